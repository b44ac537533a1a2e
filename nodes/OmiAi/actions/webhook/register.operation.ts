import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { requiredTextParameter } from '../../../shared/parameters';
import { httpUrlOf } from '../../../shared/url';
import { registerResultWebhook } from '../../../omi/aiWebhook';

const properties: INodeProperties[] = [
	{
		displayName:
			'OMI keeps one webhook URL per account: registering a URL replaces the previous one. The OMI AI Trigger node registers itself, so use this only to receive results outside n8n.',
		name: 'notice',
		type: 'notice',
		default: '',
	},
	{
		displayName: 'URL',
		name: 'url',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. https://example.com/omi/results',
		description: 'The http(s) address that receives the results of Transcribe and Analyze Call',
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['webhook'], operation: ['register'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const url = requiredTextParameter.call(this, 'url', 'URL', itemIndex);
		if (!httpUrlOf(url)) {
			throw new NodeOperationError(this.getNode(), `"${url}" is not an http(s) URL`, {
				itemIndex,
				description: 'Enter the full address, starting with https:// or http://.',
			});
		}
		await registerResultWebhook.call(this, url, itemIndex);
		return { registered: true, url };
	});
}
