import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { registerResultWebhook } from '../omi/aiWebhook';
import { OMI_CREDENTIAL_TYPE } from '../omi/transport';
import { deliveryScope } from './delivery';
import { deriveWebhookToken, tokensMatch, withToken } from './security';

export const WEBHOOK_NAME = 'default';

/** The token this node's URL must carry; undefined while the credential has no API key. */
export async function expectedToken(this: IHookFunctions | IWebhookFunctions): Promise<string | undefined> {
	const credentials = await this.getCredentials(OMI_CREDENTIAL_TYPE);
	return deriveWebhookToken(String(credentials.apiKey ?? ''), this.getWorkflow().id ?? '', this.getNode().id);
}

/**
 * How long a process trusts a token it derived. Deriving needs the decrypted
 * credential, which n8n 2.x builds in a fresh expression isolate each time:
 * about a tenth of a delivery's cost. Within that time a token that does not
 * match makes the process derive again once, so that a new API key's token is
 * accepted at once; every other wrong token is refused without deriving, so
 * that nobody can make n8n decrypt the credential once per request. The old
 * token stops working once the new one has been seen, or after this time.
 */
const TRUSTED_TOKEN_MS = 60_000;
const MAX_TRUSTED_TOKENS = 1000;
const trustedTokens = new Map<string, { token: string; until: number; rechecked: boolean }>();

/** Whether a delivery carries this node's token; the matched token, to keep it out of the output. */
export async function presentsToken(this: IWebhookFunctions, presented: unknown): Promise<string | undefined> {
	// No token at all is refused without the cost of deriving one.
	if (typeof presented !== 'string' || presented === '') return undefined;
	const key = deliveryScope(this);
	const now = Date.now();
	const trusted = trustedTokens.get(key);
	const stillTrusted = trusted !== undefined && trusted.until > now;
	if (stillTrusted) {
		if (tokensMatch(presented, trusted.token)) return trusted.token;
		if (trusted.rechecked) return undefined;
		trusted.rechecked = true;
	}
	const token = await expectedToken.call(this);
	if (token === undefined) return undefined;
	if (!stillTrusted || token !== trusted.token) {
		if (trustedTokens.size >= MAX_TRUSTED_TOKENS) trustedTokens.clear();
		trustedTokens.set(key, { token, until: now + TRUSTED_TOKEN_MS, rechecked: false });
	}
	return tokensMatch(presented, token) ? token : undefined;
}

/** Registering replaces whatever URL the OMI account had, so doing it twice is harmless. */
export async function registerWithOmi(this: IHookFunctions, url: string): Promise<void> {
	const token = await expectedToken.call(this);
	// Without a key there is no token; OMI then refuses the registration with its own "API key is required".
	await registerResultWebhook.call(this, token === undefined ? url : withToken(url, token));
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
