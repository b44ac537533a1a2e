import type { IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { scriptLocator } from '../common.descriptions';
import { getScript } from '../../../omi/callbot';

const properties: INodeProperties[] = [scriptLocator];

export const description = updateDisplayOptions(
	{ show: { resource: ['callbotScript'], operation: ['get'] } },
	properties,
);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const scriptId = this.getNodeParameter('scriptId', itemIndex, '', { extractValue: true }) as string;
		return await getScript.call(this, scriptId, itemIndex);
	});
}
