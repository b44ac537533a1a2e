import type { IAuthenticate, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import { ALOVOICE_DEFAULT_BASE_URL, TOKEN_PLACEHOLDER, resolveAlovoiceBaseUrl } from '../nodes/Alovoice/transport/vendor';

export class AlovoiceApi implements ICredentialType {
	name = 'alovoiceApi';

	displayName = 'Alovoice API';

	icon: Icon = { light: 'file:../icons/alovoice.svg', dark: 'file:../icons/alovoice.dark.svg' };

	documentationUrl = 'https://fill-in-before-publishing.invalid/n8n-nodes-omicall/blob/main/packages/n8n-nodes-alovoice/docs/alovoice.md#credentials';

	properties: INodeProperties[] = [
		{
			displayName: 'Token',
			name: 'token',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description: 'The API token Alovoice gave your company. It is sent as part of every request URL.',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: ALOVOICE_DEFAULT_BASE_URL,
			description: 'Host of the Alovoice API. Change it only for a private installation or the local sandbox.',
		},
	];

	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		const token = encodeURIComponent(String(credentials.token ?? ''));
		// The credential test names a path only: its host is resolved as the node resolves it.
		const baseURL = requestOptions.baseURL || (requestOptions.url.startsWith('/') ? resolveAlovoiceBaseUrl(credentials) : undefined);
		return { ...requestOptions, baseURL, url: requestOptions.url.split(TOKEN_PLACEHOLDER).join(token) };
	};

	// Alovoice has no endpoint without a call ID: asking for the result of a
	// call that does not exist is refused only when the token is wrong.
	test: ICredentialTestRequest = {
		request: {
			url: `/callgetairesult/${TOKEN_PLACEHOLDER}/n8n-credential-test`,
			method: 'GET',
		},
	};
}
