import type { INode, JsonObject } from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import { redactSecrets } from './secrets';

/** What the user reads about a failed vendor request. */
export interface FailureDetails {
	message: string;
	description: string;
	httpCode?: string;
}

const NETWORK_ERROR_TEXT: Record<string, string> = {
	ECONNREFUSED: 'the connection was refused',
	ENOTFOUND: 'the host name could not be resolved',
	EAI_AGAIN: 'the host name could not be resolved',
	ECONNRESET: 'the connection was closed before the server answered',
	EPIPE: 'the connection was closed while the request was being sent',
	ECONNABORTED: 'the server did not answer in time',
	ETIMEDOUT: 'the server did not answer in time',
};

/** Plain words for a network failure code, or undefined for anything else. */
export function describeNetworkError(code: string | undefined): string | undefined {
	return code ? NETWORK_ERROR_TEXT[code] : undefined;
}

/**
 * The error a vendor request fails with. Built from plain data on purpose:
 * the HTTP library's error object holds the request, and with it the secrets,
 * which are also taken out of the text.
 */
export function vendorApiError(
	node: INode,
	details: FailureDetails,
	secrets: Array<string | undefined>,
	itemIndex?: number,
	extra: JsonObject = {},
): NodeApiError {
	const message = redactSecrets(details.message, secrets);
	const description = redactSecrets(details.description, secrets);
	return new NodeApiError(
		node,
		{ message, description, httpCode: details.httpCode ?? null, ...extra } as JsonObject,
		{ message, description, httpCode: details.httpCode, itemIndex },
	);
}
