import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { requiredTextParameter } from '../../../shared/parameters';
import { callIdField, simplifyField, waitOptionsField } from './common.descriptions';
import { getResult, waitConcurrency } from './result';

const properties: INodeProperties[] = [
	callIdField,
	{
		displayName: 'Wait Until Ready',
		name: 'waitUntilReady',
		type: 'boolean',
		default: false,
		description:
			'Whether to keep asking until the analysis is done. When off, an unfinished analysis gives an item with "ready": false.',
	},
	{ ...waitOptionsField, displayOptions: { show: { waitUntilReady: [true] } } },
	simplifyField,
];

export const description = updateDisplayOptions(
	{ show: { resource: ['callAnalysis'], operation: ['getResult'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const callId = requiredTextParameter.call(this, 'callId', 'Call ID', itemIndex);
		const waitUntilReady = this.getNodeParameter('waitUntilReady', itemIndex, false) as boolean;
		return await getResult.call(this, callId, itemIndex, waitUntilReady);
	}, waitConcurrency.call(this));
}
