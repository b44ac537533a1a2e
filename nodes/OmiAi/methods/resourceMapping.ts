import type { ILoadOptionsFunctions, ResourceMapperFields } from 'n8n-workflow';

import { getScript } from '../../omi/callbot';

/** The chosen script's variables, as the fields of Start's "Script Variables" mapper. */
export async function getScriptVariables(this: ILoadOptionsFunctions): Promise<ResourceMapperFields> {
	const scriptId = this.getNodeParameter('scriptId', '', { extractValue: true }) as string;
	if (!scriptId) return { fields: [], emptyFieldsNotice: 'Choose a script above to see its variables.' };
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
		emptyFieldsNotice: `The script ${script.name ? `"${script.name}" ` : ''}has no variables: its calls need nothing more than the contact.`,
	};
}
