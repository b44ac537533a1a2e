import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { OMI_CREDENTIAL_TYPE, omiApiRequest } from '../OmiAi/transport';
import { deriveWebhookToken, withToken } from './security';

export const WEBHOOK_NAME = 'default';

/** The token this node's URL must carry; undefined while the credential has no API key. */
export async function expectedToken(this: IHookFunctions | IWebhookFunctions): Promise<string | undefined> {
	const credentials = await this.getCredentials(OMI_CREDENTIAL_TYPE);
	return deriveWebhookToken(String(credentials.apiKey ?? ''), this.getWorkflow().id ?? '', this.getNode().id);
}

/** Registering replaces whatever URL the OMI account had, so doing it twice is harmless. */
export async function registerWithOmi(this: IHookFunctions, url: string): Promise<void> {
	const token = await expectedToken.call(this);
	await omiApiRequest.call(this, {
		method: 'POST',
		api: 'ai',
		path: '/api/ai/register_webhook_ai',
		// OMI then refuses the registration with its own "API key is required" explanation.
		body: { url: token === undefined ? url : withToken(url, token) },
	});
}

// n8n's default endpoint names (N8N_ENDPOINT_WEBHOOK_TEST, N8N_ENDPOINT_WEBHOOK).
const TEST_ENDPOINT = '/webhook-test/';
const PRODUCTION_ENDPOINT = '/webhook/';

/**
 * The production URL that belongs to a test URL, or undefined when `url` is
 * not a test URL. n8n runs a test with an empty copy of the static data and
 * an inactive copy of the workflow, so the production URL cannot be read from
 * either: it is the same address under the production endpoint.
 */
export function productionUrlOfTest(url: string): string | undefined {
	const at = url.lastIndexOf(TEST_ENDPOINT);
	if (at === -1) return undefined;
	return `${url.slice(0, at)}${PRODUCTION_ENDPOINT}${url.slice(at + TEST_ENDPOINT.length)}`;
}
