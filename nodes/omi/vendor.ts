import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { withoutTrailingSlash } from '../shared/url';

/**
 * Facts about the OMI API that both the credential and the nodes rely on.
 * Source: docs/omi-api.md, section 1.
 */

export type OmiEnvironment = 'production' | 'staging' | 'custom';

export const OMI_HOSTS: Record<Exclude<OmiEnvironment, 'custom'>, { baseUrl: string; aiBaseUrl: string }> = {
	production: {
		baseUrl: 'https://public-v1.omicall.com',
		// OMI does not document the production AI host; this is the natural guess,
		// and the credential lets the user override it.
		aiBaseUrl: 'https://public-v1.omicrm.com',
	},
	staging: {
		baseUrl: 'https://public-v1-stg.omicall.com',
		aiBaseUrl: 'https://public-v1-stg.omicrm.com',
	},
};

export const OMI_SUCCESS = 9999;

/** Codes with which OMI refuses the access token rather than the API key. */
export const OMI_TOKEN_REFUSED = ['token_expired', 'auth_invalid'];

export interface OmiUrls {
	/** Host of /api/auth and the callBot endpoints. */
	baseUrl: string;
	/** Host of the /api/ai endpoints. */
	aiBaseUrl: string;
}

export function resolveOmiUrls(credentials: ICredentialDataDecryptedObject): OmiUrls {
	const environment = (credentials.environment as OmiEnvironment | undefined) ?? 'production';
	if (environment === 'custom') {
		return {
			baseUrl: withoutTrailingSlash(String(credentials.baseUrl ?? '')),
			aiBaseUrl: withoutTrailingSlash(String(credentials.aiBaseUrl ?? '')),
		};
	}
	const hosts = OMI_HOSTS[environment];
	const aiOverride = environment === 'production' ? String(credentials.productionAiBaseUrl ?? '') : '';
	return {
		baseUrl: hosts.baseUrl,
		aiBaseUrl: withoutTrailingSlash(aiOverride || hosts.aiBaseUrl),
	};
}

/** The AI endpoints and the callBot endpoints live on different hosts with different auth (docs/omi-api.md §1). */
export type OmiApiFamily = 'ai' | 'callbot';

/** Which family an endpoint belongs to, from its path or its whole URL: the AI endpoints are the ones under /api/ai/. */
export const apiFamilyOf = (pathOrUrl: string): OmiApiFamily => (pathOrUrl.includes('/api/ai/') ? 'ai' : 'callbot');

/** The host of an endpoint: the one place that chooses between the OMICall and the AI base URL. */
export function omiHostOf(credentials: ICredentialDataDecryptedObject, path: string): string {
	const urls = resolveOmiUrls(credentials);
	return apiFamilyOf(path) === 'ai' ? urls.aiBaseUrl : urls.baseUrl;
}

/** The whole URL of an endpoint, on the host omiHostOf chooses. */
export const omiUrlOf = (credentials: ICredentialDataDecryptedObject, path: string): string =>
	`${omiHostOf(credentials, path)}${path}`;

/** What to tell the user for each error code OMI is known to answer with. */
const OMI_ERROR_HINTS: Record<string, string> = {
	api_key_is_required:
		'No API key was sent. Enter the API key from OMI (Account > Configuration > API management) in the OMI credential.',
	api_key_invalid:
		'OMI does not recognise this API key. Check that it was copied whole, has not been revoked, and belongs to the environment selected in the credential.',
	request_body_required: 'OMI received an empty request body. Check that the node has the fields it needs.',
	token_expired:
		'The access token expired and could not be renewed. Run the workflow again; if it keeps failing, check the API key.',
	auth_invalid:
		'OMI did not accept the access token. Check the API key and the environment selected in the credential.',
	limit_service: 'Your OMI plan does not include this service, or its limit is reached. Ask OMI to raise it.',
	balance_is_not_enough: 'The OMI account balance is too low for this action. Top up the account and try again.',
	rate_limit_exceeded:
		'OMI is limiting the request rate. Lower the node\'s concurrency or add a Wait node, then try again.',
	invalid_phone_number: 'OMI rejected a phone number as invalid.',
	resource_not_found: 'OMI could not find what was asked for. Check the ID.',
	permission_denied: 'The API key has no permission for this action. Check its rights in OMI.',
};

/** A readable sentence for an OMI error code, with the code kept for support tickets. */
export function describeOmiError(code: string): { message: string; description: string } {
	const hint = OMI_ERROR_HINTS[code];
	return {
		message: `OMI answered: ${code}`,
		description: hint ?? 'OMI refused the request. The message above is OMI\'s own reason.',
	};
}
