import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { requiredTextParameter } from '../../../shared/parameters';
import { presentCall, simplifyProperty } from '../../../omi/callFilters';
import { callIdOf, searchCalls } from '../../../omi/callHistory';

const properties: INodeProperties[] = [
	{
		displayName: 'Call ID',
		name: 'callId',
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 0e4b4f7a-2c1d-4b8e-9a51-6f3c2d1e0b9a',
		description:
			"The call's UUID (OMICall's transaction_id): the Call ID of the OMICall Trigger, or the tracking ID an Analyze Call of that call was given",
	},
	simplifyProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['get'] } }, properties);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const callId = requiredTextParameter.call(this, 'callId', 'Call ID', itemIndex);
		const found = await searchCalls.call(this, { transactionIds: [callId] }, 1, itemIndex);
		// The search matches by UUID, but a call must not stand for another if OMI ever ignores the filter.
		const call = found.find((record) => callIdOf(record) === callId);
		if (!call) {
			throw new NodeOperationError(this.getNode(), `OMICall has no call with the ID ${callId}`, {
				itemIndex,
				description:
					'Check the Call ID. A call that has just ended can take a moment to appear in the call history.',
			});
		}
		return presentCall(call, this.getNodeParameter('simplify', itemIndex) as boolean);
	});
}
