import type { IDataObject, IExecuteFunctions, INodeExecutionData, ResourceMapperValue } from 'n8n-workflow';

import { scalarText } from '../../../../shared/parameters';
import type { ItemParameters } from '../../../helpers/itemParameters';

/** The values of the script's variables for one contact (OMI's `mapping_variables`). */
export function scriptVariables(
	this: IExecuteFunctions,
	parameters: ItemParameters,
	item: INodeExecutionData,
	itemIndex: number,
): IDataObject {
	const mapper = parameters.raw('variables') as ResourceMapperValue | undefined;
	let source: IDataObject;
	if (!mapper) source = {};
	else if (mapper.mappingMode === 'autoMapInputData') {
		source = Object.fromEntries(
			(mapper.schema ?? []).filter((field) => !field.removed).map((field) => [field.id, item.json[field.id]]),
		);
	} else if (mapper.value === null || mapper.value === undefined) {
		source = {};
	} else {
		source =
			parameters.fields('variables', 'value', item) ??
			((this.getNodeParameter('variables', itemIndex, null) as ResourceMapperValue | null)?.value ?? {});
	}
	const variables: IDataObject = {};
	for (const [fieldCode, value] of Object.entries(source)) {
		// Every OMI variable is text the bot reads out; an unset one is left to the script.
		const text = scalarText(parameters.node, value, `Script variable "${fieldCode}"`, itemIndex);
		if (text !== '') variables[fieldCode] = text;
	}
	return variables;
}
