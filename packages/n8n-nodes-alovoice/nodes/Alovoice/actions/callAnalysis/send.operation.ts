import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { requiredTextParameter } from '../../../shared/parameters';
import { simplifySend } from '../../helpers/simplify';
import { alovoiceApiRequest } from '../../transport';
import { callIdField } from './common.descriptions';

export const description = updateDisplayOptions(
	{ show: { resource: ['callAnalysis'], operation: ['send'] } },
	[callIdField],
);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const callId = requiredTextParameter.call(this, 'callId', 'Call ID', itemIndex);
		return { callId, ...simplifySend(await alovoiceApiRequest.call(this, 'callsendai', callId, itemIndex)) };
	});
}
