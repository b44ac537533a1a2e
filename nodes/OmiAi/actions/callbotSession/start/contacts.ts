import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemParameters } from '../../../helpers/itemParameters';
import { scalarText } from '../../../../shared/parameters';
import { parsePhone } from '../phone';
import { scriptVariables } from './variables';

/** One contact of a session, with the input item it came from. */
export interface Contact {
	itemIndex: number;
	info: IDataObject;
}

export function readContact(
	this: IExecuteFunctions,
	parameters: ItemParameters,
	item: INodeExecutionData,
	itemIndex: number,
): Contact {
	const text = (name: string, field: string) =>
		scalarText(parameters.node, parameters.value(name, item, itemIndex), field, itemIndex).trim();
	const phone = text('phone', 'Phone') || scalarText(parameters.node, item.json.phone, 'The phone field', itemIndex).trim();
	const info: IDataObject = { phone: parsePhone(parameters.node, phone) };
	const email = text('email', 'Email');
	if (email) info.email = email;
	const externalCode = text('externalContactCode', 'External Contact Code');
	if (externalCode) info.ext_contact_code = externalCode;
	info.mapping_variables = scriptVariables.call(this, parameters, item, itemIndex);
	return { itemIndex, info };
}
