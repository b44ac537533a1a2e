import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { returnAllOrLimit } from '../common.descriptions';
import type { OmiScript } from '../../../omi/callbot';
import { listScripts } from '../../../omi/callbot';
import { type KnownFields, keepUnknownFields } from '../../../shared/unknownFields';

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

/** A script in OMI's list (docs/omi-api.md §3.2). */
const KNOWN_SCRIPT_FIELDS: KnownFields = {
	id: true,
	name: true,
	variables: {
		'[]': { field_code: true, field_name: true, field_value: true, field_type: true, type: true, is_dynamic_attribute: true },
	},
};

/**
 * What a user needs to pick a script and fill its variables: the code is the
 * key in Start's Script Variables, the name its label (OMI leaves some
 * unlabelled; the code stands in). OMI's other variable fields describe its
 * own contact form (shared/omi-api.md §3.2).
 */
function simplifyScript(script: OmiScript): IDataObject {
	const simplified = {
		id: script.id,
		name: script.name ?? '',
		variables: (script.variables ?? []).map((variable) => ({
			code: variable.field_code,
			name: variable.field_name || variable.field_code,
		})),
	};
	return keepUnknownFields(simplified, script, KNOWN_SCRIPT_FIELDS);
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
