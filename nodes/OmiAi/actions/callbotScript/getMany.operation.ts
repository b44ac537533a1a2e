import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { returnAllOrLimit } from '../common.descriptions';
import type { OmiScript } from '../../../omi/callbot';
import { listScripts } from '../../../omi/callbot';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Simplify',
		name: 'simplify',
		type: 'boolean',
		default: true,
		description:
			"Whether to return each script's ID, name and variables (code and label) instead of OMI's whole record",
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['callbotScript'], operation: ['getMany'] } },
	properties,
);

/**
 * What a user needs to pick a script and fill its variables: the code is the
 * key in Start's Script Variables, the name its label (OMI leaves some
 * unlabelled; the code stands in). OMI's other variable fields describe its
 * own contact form (shared/omi-api.md §3.2).
 */
function simplifyScript(script: OmiScript): IDataObject {
	return {
		id: script.id,
		name: script.name ?? '',
		variables: (script.variables ?? []).map((variable) => ({
			code: variable.field_code,
			name: variable.field_name || variable.field_code,
		})),
	};
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const all = await listScripts.call(this, itemIndex);
		// OMI returns the whole list at once, so the limit is applied here.
		const scripts = (this.getNodeParameter('returnAll', itemIndex) as boolean)
			? all
			: all.slice(0, this.getNodeParameter('limit', itemIndex) as number);
		return (this.getNodeParameter('simplify', itemIndex, true) as boolean) ? scripts.map(simplifyScript) : scripts;
	});
}
