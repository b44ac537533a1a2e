import { createHash, createHmac, timingSafeEqual } from 'crypto';

import { redactSecrets } from '../shared/secrets';

export const TOKEN_QUERY_PARAMETER = 'token';

/**
 * The secret in the URL registered with OMI. It is derived rather than
 * stored: an HMAC of the workflow and node ids keyed with the credential's
 * API key. Every n8n process (main, webhook, worker), after any restart and in
 * test runs alike, computes the same token, while nobody without the API key
 * can. n8n gives test runs an empty copy of the static data, so a stored
 * random token would not let a test give the production URL back.
 */
export function deriveWebhookToken(apiKey: string, workflowId: string, nodeId: string): string | undefined {
	// Without a key the HMAC would be computable by anyone who knows the ids.
	if (apiKey === '') return undefined;
	return createHmac('sha256', apiKey).update(`omi-ai-trigger:${workflowId}:${nodeId}`).digest('base64url');
}

const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest();

/** Hashing both sides first gives equal-length buffers, so neither the comparison nor its length leaks. */
export function tokensMatch(received: unknown, expected: string | undefined): boolean {
	if (expected === undefined || typeof received !== 'string' || received === '') return false;
	return timingSafeEqual(sha256(received), sha256(expected));
}

export function withToken(url: string, token: string): string {
	const target = new URL(url);
	target.searchParams.set(TOKEN_QUERY_PARAMETER, token);
	return target.toString();
}

/** Proxies may copy the request URL into headers (Referer, X-Original-URI); the token must not reach an item. */
export function redactToken(headers: Record<string, unknown>, token: string): Record<string, unknown> {
	const redact = (value: unknown): unknown => {
		if (typeof value === 'string') return redactSecrets(value, [token]);
		return Array.isArray(value) ? value.map(redact) : value;
	};
	return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name, redact(value)]));
}
