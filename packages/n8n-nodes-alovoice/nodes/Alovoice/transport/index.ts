import type { IDataObject, IExecuteFunctions, IHttpRequestOptions } from 'n8n-workflow';

import type { FailureDetails } from '../../shared/errors';
import { describeNetworkError, vendorApiError } from '../../shared/errors';
import { parseJsonObject as parseJson } from '../../shared/json';
import type { RequestFailure } from '../../shared/n8n';
import { requestFullResponse } from '../../shared/n8n';
import { TOKEN_PLACEHOLDER, resolveAlovoiceBaseUrl } from './vendor';

export const ALOVOICE_CREDENTIAL_TYPE = 'alovoiceApi';

/** The two Alovoice endpoints (docs/alovoice-api.md §1 and §2). */
export type AlovoiceEndpoint = 'callsendai' | 'callgetairesult';

/** What Alovoice puts under `answer`; `stalk` and `tags` only once the analysis is done. */
export interface AlovoiceAnswer extends IDataObject {
	begin_time?: number;
	aicallid?: string;
	stereoaudio?: string;
	stalk?: AlovoiceFragment[];
	tags?: AlovoiceTag[];
}

export interface AlovoiceFragment extends IDataObject {
	begin: number;
	end: number;
	direction: 'operator' | 'client';
	text: string;
	fragment_id?: string;
}

export interface AlovoiceTag extends IDataObject {
	name: string;
	value?: string;
	tag_type?: string;
	begin?: number;
	end?: number;
	match_text?: string;
	fragment_id?: string;
}

export interface AlovoiceResponse {
	answer: AlovoiceAnswer;
	/** The host the answer came from: `stereoaudio` is a path on it. */
	baseUrl: string;
}

const DEFAULT_TIMEOUT_MS = 60_000;

/** Alovoice's own reason, when its answer carries one. */
function vendorReason(body: IDataObject | undefined): string | undefined {
	const reason = body?.error ?? body?.message;
	return typeof reason === 'string' && reason !== '' ? reason : undefined;
}

function describeHttpStatus(status: number, body: unknown): FailureDetails {
	const json = parseJson(body);
	const reason = vendorReason(json);
	const what = reason
		? `: ${reason}`
		: json
			? ''
			: ' and a page that is not JSON (the server in front of Alovoice reported a problem)';
	const message = `Alovoice answered with HTTP ${status}${what}`;
	const httpCode = String(status);
	if (status === 401 || status === 403) {
		return { message, httpCode, description: 'Alovoice did not accept the token. Check the token in the Alovoice credential.' };
	}
	if (status === 404) {
		return { message, httpCode, description: 'Alovoice does not know this call ID, or the base URL in the credential is wrong.' };
	}
	if (status >= 500) {
		return {
			message,
			httpCode,
			description: 'Alovoice had a problem on its side. Try again later, or turn on "Retry On Fail" for this node.',
		};
	}
	return { message, httpCode, description: 'Alovoice refused the request.' };
}

function describeNetworkFailure(failure: RequestFailure): FailureDetails {
	const problem = describeNetworkError(failure.code);
	return {
		message: `Could not complete the request to Alovoice${problem ? `: ${problem}` : ''}`,
		description:
			'Check the base URL in the Alovoice credential. For short outages, turn on "Retry On Fail" in the node\'s settings.',
	};
}

/**
 * The one way the Alovoice node talks to Alovoice. The token is part of the
 * URL, so no error from the HTTP library is passed on: every failure is
 * rebuilt from plain data (status, Alovoice's reason) with the token redacted.
 */
export async function alovoiceApiRequest(
	this: IExecuteFunctions,
	endpoint: AlovoiceEndpoint,
	callId: string,
	itemIndex: number,
): Promise<AlovoiceResponse> {
	const credentials = await this.getCredentials(ALOVOICE_CREDENTIAL_TYPE, itemIndex);
	const baseUrl = resolveAlovoiceBaseUrl(credentials);
	const token = String(credentials.token ?? '');
	const secrets = [token];
	const fail = (details: FailureDetails): never => {
		throw vendorApiError(this.getNode(), details, secrets, itemIndex);
	};

	const options: IHttpRequestOptions = {
		method: 'GET',
		url: `${baseUrl}/${endpoint}/${TOKEN_PLACEHOLDER}/${encodeURIComponent(callId)}`,
		json: true,
		timeout: DEFAULT_TIMEOUT_MS,
		abortSignal: this.getExecutionCancelSignal(),
	};
	// Statuses are judged here, so that no HTTP-library error carrying the URL is ever created.
	const outcome = await requestFullResponse.call(this, ALOVOICE_CREDENTIAL_TYPE, options);
	if (!outcome.answered) return fail(describeNetworkFailure(outcome.failure));
	if (outcome.statusCode < 200 || outcome.statusCode >= 300) {
		return fail(describeHttpStatus(outcome.statusCode, outcome.body));
	}
	const body = parseJson(outcome.body);
	if (!body) {
		return fail({
			message: 'Alovoice sent an answer that is not JSON',
			description: 'Alovoice may be having trouble. Try again later, or turn on "Retry On Fail" for this node.',
		});
	}
	const answer = body.answer;
	if (!answer || typeof answer !== 'object' || Array.isArray(answer)) {
		const reason = vendorReason(body);
		return fail({
			message: reason ? `Alovoice answered: ${reason}` : 'Alovoice sent an answer without a result',
			description: `Check the call ID "${callId}": it must be the ID of a call recorded in Alovoice.`,
		});
	}
	return { answer: answer as AlovoiceAnswer, baseUrl };
}
