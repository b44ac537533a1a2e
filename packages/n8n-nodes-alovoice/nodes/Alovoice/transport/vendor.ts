/**
 * Facts about the Alovoice API that both the credential and the node rely on.
 * Source: docs/alovoice-api.md.
 */

import type { ICredentialDataDecryptedObject } from 'n8n-workflow';

import { withoutTrailingSlash } from '../../shared/url';

export const ALOVOICE_DEFAULT_BASE_URL = 'https://cld.alovoice.uz';

/** The host every request goes to, the credential test's included. */
export function resolveAlovoiceBaseUrl(credentials: ICredentialDataDecryptedObject): string {
	return withoutTrailingSlash(String(credentials.baseUrl ?? '')) || ALOVOICE_DEFAULT_BASE_URL;
}

/**
 * Alovoice takes the token in the URL path. The node asks for URLs holding
 * this marker and only the credential's `authenticate` swaps the token in, so
 * the node code never sees the token and n8n's "authentication" stays in one place.
 */
export const TOKEN_PLACEHOLDER = '__alovoice_token__';

