import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { requiredTextParameter } from '../../../shared/parameters';
import { alovoiceApiRequest } from '../../transport';
import { callIdField, simplifyField, waitOptionsField } from './common.descriptions';
import { getResult, waitConcurrency } from './result';

export const description = updateDisplayOptions(
	{ show: { resource: ['callAnalysis'], operation: ['analyzeAndWait'] } },
	[callIdField, waitOptionsField, simplifyField],
);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const callId = requiredTextParameter.call(this, 'callId', 'Call ID', itemIndex);
		await alovoiceApiRequest.call(this, 'callsendai', callId, itemIndex);
		return await getResult.call(this, callId, itemIndex, true);
	}, waitConcurrency.call(this));
}
