import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	IPollFunctions,
	IWebhookFunctions,
	JsonObject,
} from 'n8n-workflow';
import { NodeApiError } from 'n8n-workflow';

import type { FailureDetails as VendorFailure } from '../shared/errors';
import { describeNetworkError, vendorApiError } from '../shared/errors';
import { parseJsonObject } from '../shared/json';
import type { RequestFailure, RequestOutcome } from '../shared/n8n';
import { cancelSignalOf, credentialsReadLately, requestFullResponse } from '../shared/n8n';
import { redirectOptionsFor, requestRenewingToken } from './n8n';
import { OMI_SUCCESS, OMI_TOKEN_REFUSED, apiFamilyOf, describeOmiError, omiUrlOf } from './vendor';

export const OMI_CREDENTIAL_TYPE = 'omiCallApi';

export type OmiContext = IExecuteFunctions | ILoadOptionsFunctions | IHookFunctions | IWebhookFunctions | IPollFunctions;

export interface OmiRequest {
	method: IHttpRequestMethods;
	/** The endpoint's path; it decides the host (see omiUrlOf). */
	path: string;
	body?: IHttpRequestOptions['body'];
	qs?: IDataObject;
	headers?: IDataObject;
	/** Names the input item in errors. */
	itemIndex?: number;
	/** What an OMI error code means for this request, where it means more than the general hint says. */
	errorMessages?: Record<string, OmiErrorText>;
	timeoutMs?: number;
	/** For endpoints whose documented success is a bare HTTP 200, without the envelope. */
	emptyAnswerIsSuccess?: boolean;
}

export interface OmiErrorText {
	message: string;
	description: string;
}

interface OmiEnvelope {
	status_code?: number;
	message?: string;
	payload?: unknown;
	error?: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

const parseEnvelope = (body: unknown) => parseJsonObject(body) as OmiEnvelope | undefined;

/** OMI refused the access token: with HTTP 401, or with HTTP 200 and the code in its envelope. */
function tokenRefused(outcome: RequestOutcome): boolean {
	if (!outcome.answered) return false;
	return outcome.statusCode === 401 || OMI_TOKEN_REFUSED.includes(String(parseEnvelope(outcome.body)?.message));
}

interface FailureDetails extends VendorFailure {
	omiCode?: string;
}

/** What the user reads about an answer of an error status, or a failure before any answer, without secrets. */
function describeFailure(
	{ status, body, code, message }: RequestFailure,
	describeCode: (code: string) => OmiErrorText,
): FailureDetails {
	const httpCode = status === undefined ? undefined : String(status);
	const envelope = parseEnvelope(body);
	const omiCode = envelope?.message ?? envelope?.error;
	if (omiCode) {
		return { ...describeCode(String(omiCode)), httpCode, omiCode: String(omiCode) };
	}
	const networkProblem = describeNetworkError(code);
	if (networkProblem) {
		return {
			message: `Could not complete the request to OMI: ${networkProblem}`,
			description:
				'Check the base URLs in the credential. For short outages, turn on "Retry On Fail" in the node\'s settings.',
		};
	}
	if (httpCode) {
		return {
			message: `OMI answered with HTTP ${httpCode}`,
			description: httpCode.startsWith('5')
				? 'OMI had a problem on its side. Try again later, or turn on "Retry On Fail" for this node.'
				: 'OMI refused the request.',
			httpCode,
		};
	}
	return {
		message: message ?? 'The request to OMI failed',
		description: 'The request to OMI failed before OMI answered.',
	};
}

export interface OmiAnswer<T> {
	payload: T;
	/** OMI's whole answer, envelope and all, for what no operation reads yet; undefined for a bare 2xx. */
	answer: IDataObject | undefined;
}

/**
 * The one way every OMI operation talks to OMI: picks the host, lets the
 * credential add auth (and renew the token on 401), checks the envelope —
 * `status_code: -9999` arrives with HTTP 200 — and turns any failure into a
 * NodeApiError that names the item and carries no secret.
 */
export async function omiApiRequest<T = unknown>(this: OmiContext, request: OmiRequest): Promise<T> {
	return (await omiApiRequestWithAnswer.call(this, request)).payload as T;
}

/** omiApiRequest, with OMI's whole answer next to its payload. */
export async function omiApiRequestWithAnswer<T = unknown>(this: OmiContext, request: OmiRequest): Promise<OmiAnswer<T>> {
	const credentials = await credentialsReadLately(this, OMI_CREDENTIAL_TYPE);
	const describeCode = (code: string) => request.errorMessages?.[code] ?? describeOmiError(code);
	const fail = async (details: FailureDetails, extra: IDataObject = {}): Promise<never> => {
		// n8n may have renewed the token during the request (after a 401): the credential holds the new one now.
		const current = await this.getCredentials(OMI_CREDENTIAL_TYPE).catch(() => credentials);
		const secrets = [credentials.apiKey, credentials.accessToken, current.apiKey, current.accessToken].map((secret) =>
			String(secret ?? ''),
		);
		throw vendorApiError(this.getNode(), details, secrets, request.itemIndex, extra as JsonObject);
	};

	const options: IHttpRequestOptions = {
		method: request.method,
		url: omiUrlOf(credentials, request.path),
		qs: request.qs,
		headers: request.headers,
		body: request.body,
		json: true,
		timeout: request.timeoutMs ?? DEFAULT_TIMEOUT_MS,
		// Stopping the execution ends the request, a 100 MB upload included.
		abortSignal: cancelSignalOf(this),
		...redirectOptionsFor(request.body),
	};

	let outcome = await requestFullResponse.call(this, OMI_CREDENTIAL_TYPE, options);
	if (apiFamilyOf(request.path) === 'callbot' && tokenRefused(outcome)) {
		outcome = await requestRenewingToken.call(this, OMI_CREDENTIAL_TYPE, options);
	}
	if (!outcome.answered) return await fail(describeFailure(outcome.failure, describeCode));
	const { statusCode, body: answer } = outcome;
	if (statusCode < 200 || statusCode >= 300) {
		return await fail(describeFailure({ status: statusCode, body: answer }, describeCode));
	}
	const envelope = parseEnvelope(answer);
	if (request.emptyAnswerIsSuccess && (answer === undefined || answer === null || answer === '')) {
		return { payload: undefined as T, answer: undefined };
	}
	if (!envelope) {
		return await fail({
			message: 'OMI sent an answer that is not valid JSON',
			description: 'OMI may be having trouble. Try again later, or turn on "Retry On Fail" for this node.',
		});
	}
	if (envelope.status_code !== OMI_SUCCESS) {
		const code = String(envelope.message ?? envelope.error ?? 'unknown_error');
		return await fail({ ...describeCode(code), omiCode: code }, { omiCode: code });
	}
	return { payload: envelope.payload as T, answer: envelope as IDataObject };
}

/** One page of a paginated OMI list (docs/omi-api.md §3.5). */
interface OmiPage {
	items?: IDataObject[];
	has_next?: boolean;
	total_pages?: number;
}

/** OMI's documented default page size; its maximum is not documented. */
const OMI_PAGE_SIZE = 50;

/**
 * Follows OMI's `page`/`size` pagination from the first page until OMI says
 * there is no next page, or until `limit` entries are collected. Each page
 * goes through `omiApiRequest`, so a token renewed mid-way costs one retry of
 * that page, not a restart. An answer that would make this loop for ever, a
 * page that repeats the one before (OMI ignoring `page`), stops it with an
 * error; no page past `total_pages` is asked for.
 */
export async function omiApiRequestAllPages(
	this: OmiContext,
	request: OmiRequest,
	limit?: number,
): Promise<IDataObject[]> {
	const size = limit === undefined ? OMI_PAGE_SIZE : Math.min(limit, OMI_PAGE_SIZE);
	const entries: IDataObject[] = [];
	let previousPage: string | undefined;
	for (let page = 1; ; page++) {
		const payload = (await omiApiRequest.call(this, { ...request, qs: { ...request.qs, page, size } })) as
			| OmiPage
			| undefined;
		const pageEntries = payload?.items ?? [];
		const thisPage = JSON.stringify(pageEntries);
		if (thisPage === previousPage) {
			throw new NodeApiError(
				this.getNode(),
				{ message: 'OMI sent the same page twice' },
				{
					message: `OMI sent page ${page} with the same entries as page ${page - 1}`,
					description:
						'OMI keeps saying there is a next page but does not move on to it, so Return All would never end. Turn Return All off and set a Limit, or ask OMI support about the paging of this endpoint.',
					itemIndex: request.itemIndex,
				},
			);
		}
		previousPage = thisPage;
		entries.push(...pageEntries);
		if (limit !== undefined && entries.length >= limit) return entries.slice(0, limit);
		// An empty page ends the loop too, in case OMI ever says has_next on the last page.
		if (!payload?.has_next || pageEntries.length === 0) return entries;
		if (typeof payload.total_pages === 'number' && page >= payload.total_pages) return entries;
	}
}
