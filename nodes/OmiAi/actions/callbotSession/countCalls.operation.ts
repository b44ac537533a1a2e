import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { requiredTextParameter } from '../../../shared/parameters';
import { countSessionCalls } from '../../../omi/callbot';
import { parsePhone } from './phone';

const properties: INodeProperties[] = [
	{
		displayName: 'Autocall ID',
		name: 'autocallId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 3f0c9a2e-5b1d-4c8e-9f7a-2d6b1e4c8a90',
		description: 'The session to count, as `autocall_id` in the output of Start',
	},
	{
		displayName: 'Phones',
		name: 'phones',
		type: 'string',
		default: '',
		placeholder: 'e.g. 0912345678, 0987654321',
		description:
			'Count only the calls to these numbers, separated by commas (an expression may also return a list). Leave empty to count every call of the session.',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['callbotSession'], operation: ['countCalls'] } },
	properties,
);

function phoneList(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	return String(value ?? '')
		.split(/[,;\n]/)
		.filter((phone) => phone.trim() !== '');
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const autocallId = requiredTextParameter.call(this, 'autocallId', 'Autocall ID', itemIndex);
		const phones = phoneList(this.getNodeParameter('phones', itemIndex, '')).map((phone) =>
			parsePhone(this.getNode(), phone),
		);
		return { autocallId, count: await countSessionCalls.call(this, autocallId, phones, itemIndex) };
	});
}
