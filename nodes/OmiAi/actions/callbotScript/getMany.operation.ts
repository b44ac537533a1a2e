import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { returnAllOrLimit } from '../common.descriptions';
import { listScripts } from './api';

export const description = updateDisplayOptions(
	{ show: { resource: ['callbotScript'], operation: ['getMany'] } },
	returnAllOrLimit,
);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const scripts = await listScripts.call(this, itemIndex);
		if (this.getNodeParameter('returnAll', itemIndex) as boolean) return scripts;
		// OMI returns the whole list at once, so the limit is applied here.
		return scripts.slice(0, this.getNodeParameter('limit', itemIndex) as number);
	});
}
