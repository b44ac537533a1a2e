/**
 * The one place where the nodes of both packages rely on n8n behaviour that
 * n8n does not promise in its node API. Each workaround says in one line what
 * it relies on, and on which n8n versions that was checked; each has a
 * contract test against the real n8n 2.x packages (test/contract), which
 * fails when an n8n upgrade changes the behaviour. Node code calls these,
 * never the internals. OMI-only workarounds are in nodes/omi/n8n.ts.
 */
import type {
	ICredentialDataDecryptedObject,
	IExecuteFunctions,
	IHttpRequestOptions,
	IN8nHttpFullResponse,
} from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

/** Any node context that can send requests with a credential. */
interface RequestingContext {
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
	helpers: { httpRequestWithAuthentication: IExecuteFunctions['helpers']['httpRequestWithAuthentication'] };
}

/** What a request came to: an answer of any status, or a failure before any answer. */
export type RequestOutcome =
	| { answered: true; statusCode: number; body: unknown }
	| { answered: false; failure: RequestFailure };

/** What n8n's thrown error says, as plain data: the error itself holds the request, and with it the secrets. */
export interface RequestFailure {
	/** The HTTP status, when n8n threw for one (only after a token renewal, see nodes/omi/n8n.ts). */
	status?: number;
	body?: unknown;
	/** A network code such as ECONNREFUSED. */
	code?: string;
	message?: string;
}

/**
 * [Thrown errors] Relies on n8n's request helper wrapping a failure in a NodeApiError whose httpCode holds the
 * status or the network code, whose cause (the HTTP library's error) holds `code` and `response`, and whose
 * context.data holds the body; checked on n8n 1.123 and 2.41. Read here only, for failures before an answer.
 */
export function failureOf(error: unknown): RequestFailure {
	const err = error as {
		message?: string;
		httpCode?: string | null;
		context?: { data?: unknown };
		cause?: { code?: string; response?: { status?: number; data?: unknown } };
		code?: string;
	};
	const httpCode = /^\d{3}$/.test(String(err.httpCode)) ? Number(err.httpCode) : undefined;
	const code = err.cause?.code ?? err.code ?? (httpCode === undefined ? (err.httpCode ?? undefined) : undefined);
	return {
		status: httpCode ?? err.cause?.response?.status,
		body: err.context?.data ?? err.cause?.response?.data,
		code,
		message: err.message,
	};
}

/**
 * The one error strategy of both vendors: n8n hands back every answer, whatever its status, and the node judges
 * the status and the vendor's body from plain data. Relies only on the node API's documented request options
 * `returnFullResponse` and `ignoreHttpStatusErrors` (n8n 1.123 and 2.41); a failure before any answer is read
 * through failureOf. With these options n8n never renews an expirable credential (nodes/omi/n8n.ts).
 */
export async function requestFullResponse(
	this: RequestingContext,
	credentialType: string,
	options: IHttpRequestOptions,
): Promise<RequestOutcome> {
	return await sendForOutcome.call(this, credentialType, { ...options, ignoreHttpStatusErrors: true });
}

/** One request through n8n's helper, its full response or its failure as plain data. */
export async function sendForOutcome(
	this: RequestingContext,
	credentialType: string,
	options: IHttpRequestOptions,
): Promise<RequestOutcome> {
	try {
		const response = (await this.helpers.httpRequestWithAuthentication.call(
			this as unknown as IExecuteFunctions,
			credentialType,
			{ ...options, returnFullResponse: true },
		)) as IN8nHttpFullResponse;
		return { answered: true, statusCode: response.statusCode, body: response.body };
	} catch (error) {
		return { answered: false, failure: failureOf(error) };
	}
}

/**
 * [Credential read lately] Relies on n8n decrypting the credential again on every getCredentials call and for
 * every httpRequestWithAuthentication, in an expression isolate on 2.x (tens of milliseconds), with no cache of
 * its own, and on a poll context living as long as the activation; checked on n8n 1.123 and 2.41. Reading it once
 * per half minute halves the cost of a run of requests, and an edited credential is used within that time.
 */
export const CREDENTIALS_KEPT_MS = 30_000;
const recentCredentials = new WeakMap<object, { readAt: number; credentials: Promise<ICredentialDataDecryptedObject> }>();

export function credentialsReadLately(
	context: Pick<RequestingContext, 'getCredentials'>,
	credentialType: string,
): Promise<ICredentialDataDecryptedObject> {
	const kept = recentCredentials.get(context);
	if (kept && Date.now() - kept.readAt < CREDENTIALS_KEPT_MS) return kept.credentials;
	const credentials = context.getCredentials(credentialType);
	recentCredentials.set(context, { readAt: Date.now(), credentials });
	// A failed read is not kept, so that the next request asks n8n again.
	credentials.catch(() => recentCredentials.delete(context));
	return credentials;
}

/** The signal n8n raises when the execution is stopped; contexts that are not executions have none. */
export function cancelSignalOf(context: object): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context
		? (context as IExecuteFunctions).getExecutionCancelSignal()
		: undefined;
}

/** Pauses are slept in pieces, so that a pause cut short by Stop leaves no long timer behind. */
const PAUSE_PIECE_MS = 1000;

/**
 * [Pause unless stopped] Relies on n8n-workflow having `sleep` but no `sleepWithAbort` (2.41; 1.x has both), and
 * on getExecutionCancelSignal aborting when the execution is stopped; checked on n8n 1.123 and 2.41. Races the
 * execution's cancel signal, and then fails the item.
 */
export async function pauseUnlessStopped(this: IExecuteFunctions, ms: number, itemIndex: number): Promise<void> {
	const signal = this.getExecutionCancelSignal();
	let onAbort = () => {};
	const aborted = new Promise<void>((resolve) => (onAbort = resolve));
	signal?.addEventListener('abort', onAbort, { once: true });
	try {
		for (let left = ms; left > 0 && !signal?.aborted; left -= PAUSE_PIECE_MS) {
			await Promise.race([sleep(Math.min(PAUSE_PIECE_MS, left)), aborted]);
		}
	} finally {
		signal?.removeEventListener('abort', onAbort);
	}
	if (signal?.aborted) throw new NodeOperationError(this.getNode(), 'The execution was stopped', { itemIndex });
}

/**
 * Whether the node runs as a tool of an AI Agent or an MCP Server Trigger. Relies on n8n running a usableAsTool
 * node under its type name with "Tool" appended; checked on n8n 1.123 and 2.41.
 */
export const runsAsTool = (context: IExecuteFunctions): boolean => context.getNode().type.endsWith('Tool');
