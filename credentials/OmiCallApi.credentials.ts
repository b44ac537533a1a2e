import type {
	IAuthenticate,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IDataObject,
	IHttpRequestHelper,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { describeNetworkError } from '../nodes/shared/errors';
import { OMI_HOSTS, OMI_SUCCESS, FORCE_RENEWAL_HEADER, apiFamilyOf, describeOmiError, omiHostOf, resolveOmiUrls } from '../nodes/omi/vendor';
import { redactSecrets } from '../nodes/shared/secrets';

interface OmiAuthAnswer {
	status_code?: number;
	message?: string;
	payload?: { access_token?: string };
}

export class OmiCallApi implements ICredentialType {
	name = 'omiCallApi';

	displayName = 'OMICall API';

	icon: Icon = { light: 'file:../icons/omi.svg', dark: 'file:../icons/omi.dark.svg' };

	documentationUrl = 'https://fill-in-before-publishing.invalid/n8n-nodes-omicall/blob/main/docs/omicall-api-credential.md';

	properties: INodeProperties[] = [
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			required: true,
			default: '',
			description:
				'The API key of your OMI business, from the OMI web app: Account > Configuration > API management',
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			options: [
				{ name: 'Production', value: 'production', description: OMI_HOSTS.production.baseUrl },
				{ name: 'Staging', value: 'staging', description: OMI_HOSTS.staging.baseUrl },
				{
					name: 'Custom',
					value: 'custom',
					description: 'Your own base URLs, for example the local OMI sandbox',
				},
			],
			default: 'production',
		},
		{
			displayName: 'AI Base URL',
			name: 'productionAiBaseUrl',
			type: 'string',
			default: OMI_HOSTS.production.aiBaseUrl,
			description:
				'Host of the AI endpoints (transcription, call analysis). OMI does not publish the production host; change it if OMI gave you another one.',
			displayOptions: { show: { environment: ['production'] } },
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:3990',
			description: 'Host of the access-token and callBot endpoints',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			displayName: 'AI Base URL',
			name: 'aiBaseUrl',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:3990',
			description: 'Host of the AI endpoints (transcription, call analysis)',
			displayOptions: { show: { environment: ['custom'] } },
		},
		{
			// Filled by preAuthentication and emptied by n8n when OMI answers 401,
			// so the 24-hour token is fetched once and renewed only when needed.
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const apiKey = String(credentials.apiKey ?? '');
		const { baseUrl } = resolveOmiUrls(credentials);
		let answer: OmiAuthAnswer;
		try {
			answer = (await this.helpers.httpRequest({
				method: 'GET',
				url: `${baseUrl}/api/auth`,
				qs: { apiKey },
				headers: { 'Content-Type': 'application/json' },
				json: true,
			})) as OmiAuthAnswer;
		} catch (error) {
			// The key travels in the query string: never let the raw error (which
			// carries the request URL and config) reach the user.
			const { code, message } = error as { code?: string; message?: string };
			const reason = describeNetworkError(code) ?? redactSecrets(String(message), [apiKey]);
			throw new Error(`Could not get an OMI access token from ${baseUrl}: ${reason}. Check the base URL.`);
		}
		const token = answer?.payload?.access_token;
		if (answer?.status_code !== OMI_SUCCESS || !token) {
			const code = redactSecrets(String(answer?.message ?? 'no access token in the answer'), [apiKey]);
			const { description } = describeOmiError(code);
			throw new Error(`OMI refused the API key (${code}). ${description}`);
		}
		return { accessToken: token } as IDataObject;
	}

	authenticate: IAuthenticate = async (credentials, requestOptions) => {
		const apiKey = String(credentials.apiKey ?? '');
		const { [FORCE_RENEWAL_HEADER]: renewToken, ...headers } = (requestOptions.headers ?? {}) as IDataObject;
		const token = renewToken ? 'renew' : String(credentials.accessToken ?? '');
		const isAiRequest = apiFamilyOf(requestOptions.url) === 'ai';
		// The credential test names a path only: its host is chosen as every node's is.
		const baseURL =
			requestOptions.baseURL || (requestOptions.url.startsWith('/') ? omiHostOf(credentials, requestOptions.url) : undefined);
		// Each endpoint family gets only the secret it needs (docs/omi-api.md §1).
		const secretHeaders: IDataObject = isAiRequest
			? { apiKey }
			: { 'x-api-key': apiKey, Authorization: `Bearer ${token}` };
		return { ...requestOptions, baseURL, headers: { ...headers, ...secretHeaders } };
	};

	/**
	 * n8n runs preAuthentication first, so the Test button fetches a token from
	 * the base host (key and base URL checked), then asks the AI host a request
	 * that changes nothing: speech-to-text without a file, which OMI can only
	 * refuse (request_body_required), but refuses with api_key_invalid when the
	 * host does not know the key. A host that is not OMI's fails on its HTTP status.
	 */
	test: ICredentialTestRequest = {
		request: {
			url: '/api/ai/speech_to_text',
			method: 'POST',
		},
		rules: [
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: 'api_key_invalid',
					message:
						'OMI gave an access token for this key, but the AI host refused it (api_key_invalid). Check the AI Base URL: OMI does not publish its production AI host.',
				},
			},
			{
				type: 'responseSuccessBody',
				properties: {
					key: 'message',
					value: 'api_key_is_required',
					message: 'The AI host did not receive the API key (api_key_is_required). Check the AI Base URL.',
				},
			},
		],
	};
}
