import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { requiredTextParameter, textParameter } from '../../../shared/parameters';
import { listAnalyzedLogs } from '../../../omi/callbot';
import { returnAllOrLimit } from '../common.descriptions';

const properties: INodeProperties[] = [
	{
		displayName: 'Session ID',
		name: 'refUuid',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 3f0c9a2e-5b1d-4c8e-9f7a-2d6b1e4c8a90',
		description: 'The callBot session whose logs to list (OMI\'s `ref_uuid`): the `autocall_id` in the output of Start',
	},
	{
		displayName: 'Keyword',
		name: 'keyword',
		type: 'string',
		default: '',
		description: 'Only log entries whose content contains this text. Leave empty for all entries.',
	},
	...returnAllOrLimit,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['callbotSession'], operation: ['getAnalyzedLogs'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
		const filter = {
			sessionId: requiredTextParameter.call(this, 'refUuid', 'Session ID', itemIndex),
			keyword: textParameter.call(this, 'keyword', itemIndex),
		};
		const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
		return await listAnalyzedLogs.call(this, filter, limit, itemIndex);
	});
}
