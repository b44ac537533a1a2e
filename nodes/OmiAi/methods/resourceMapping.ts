import type { ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';

import { getScript } from '../actions/callbotScript/api';

/** The chosen script's variables, as the fields of Start's "Script Variables" mapper. */
export async function getScriptVariables(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const scriptId = this.getNodeParameter('scriptId', '', { extractValue: true }) as string;
	if (!scriptId) return { fields: [], emptyFieldsNotice: 'Choose a script first' };
	const script = await getScript.call(this, scriptId);
	return {
		fields: (script.variables ?? []).map((variable) => ({
			id: variable.field_code,
			displayName: variable.field_name || variable.field_code,
			type: 'string',
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
		})),
		emptyFieldsNotice: 'The script has no variables',
	};
}
