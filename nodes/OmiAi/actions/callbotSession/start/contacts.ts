import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { ItemParameters } from '../../../helpers/itemParameters';
import { asText } from '../../../../shared/parameters';
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
	const info: IDataObject = { phone: parsePhone(parameters.node, parameters.value('phone', item, itemIndex)) };
	const email = asText(parameters.value('email', item, itemIndex));
	if (email) info.email = email;
	const externalCode = asText(parameters.value('externalContactCode', item, itemIndex));
	if (externalCode) info.ext_contact_code = externalCode;
	info.mapping_variables = scriptVariables.call(this, parameters, item, itemIndex);
	return { itemIndex, info };
}
