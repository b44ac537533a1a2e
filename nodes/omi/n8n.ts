/**
 * The OMI nodes' workarounds for n8n behaviour that n8n does not promise in
 * its node API; those both packages share are in nodes/shared/n8n.ts. Each
 * says in one line what it relies on and on which n8n versions that was
 * checked, and has a contract test against the real n8n 2.x packages
 * (test/contract). Node code calls these, never the internals.
 */
import type {
	IDataObject,
	IDeduplicationOutput,
	IExecuteFunctions,
	IHttpRequestOptions,
} from 'n8n-workflow';
import { isSafeObjectProperty } from 'n8n-workflow';

import type { RequestOutcome } from '../shared/n8n';
import { sendForOutcome } from '../shared/n8n';

/**
 * [Blob body] Relies on n8n's HTTP layer (axios) streaming any object that calls itself a Blob through
 * `stream()`, with Content-Length from `size`; checked on n8n 1.123 and 2.41. Community nodes may not bring
 * form-data nor import `stream`, so a multipart body extends this to be sent as a stream.
 */
export abstract class StreamedBlob {
	readonly [Symbol.toStringTag] = 'Blob';

	abstract readonly type: string;

	abstract readonly size: number;

	abstract stream(): AsyncGenerator<Uint8Array>;
}

/**
 * [No redirects for streams] Relies on `disableFollowRedirect` turning off the redirect follower, which keeps a
 * copy of every byte sent to replay it after a redirect (with a streamed recording, the whole file); checked on
 * n8n 1.123 and 2.41.
 */
export const redirectOptionsFor = (body: unknown): Pick<IHttpRequestOptions, 'disableFollowRedirect'> => ({
	disableFollowRedirect: body instanceof StreamedBlob,
});

/**
 * [Token renewal] Relies on httpRequestWithAuthentication renewing an expirable credential (running
 * preAuthentication again, then re-sending once) only when the request throws an HTTP 401, so never with
 * ignoreHttpStatusErrors; checked on n8n 1.123 and 2.41. OMI may refuse a token with HTTP 200 and
 * `token_expired`: a request carrying this marker has the credential swap its token for one OMI is sure to
 * answer with 401, and n8n's own renewal takes over. The marker never leaves n8n.
 */
export const FORCE_RENEWAL_HEADER = 'x-n8n-omi-force-renewal';

/** Sends the request again so that n8n renews the token first; what follows the renewal is read through failureOf. */
export async function requestRenewingToken(
	this: ThisParameterType<typeof sendForOutcome>,
	credentialType: string,
	options: IHttpRequestOptions,
): Promise<RequestOutcome> {
	return await sendForOutcome.call(this, credentialType, {
		...options,
		headers: { ...(options.headers ?? {}), [FORCE_RENEWAL_HEADER]: '1' },
		ignoreHttpStatusErrors: false,
	});
}

/**
 * [Trigger token trust] Relies on n8n decrypting the credential on every getCredentials call of a webhook, in a
 * fresh expression isolate on 2.x (about a tenth of a delivery's cost); checked on n8n 1.123 and 2.41. Within
 * this time a token that does not match makes the process derive again once, so that a new API key's token is
 * accepted at once; every other wrong token is refused without deriving, so that nobody can make n8n decrypt
 * the credential once per request. The old token stops working once the new one has been seen, or after this time.
 */
export const TRUSTED_TOKEN_MS = 60_000;
const MAX_TRUSTED_TOKENS = 1000;
const trustedTokens = new Map<string, { token: string; until: number; rechecked: boolean }>();

/** The expected token as derived lately for `scope`, or derived now; `matches` compares in constant time. */
export async function trustedTokenMatching(
	scope: string,
	presented: string,
	derive: () => Promise<string | undefined>,
	matches: (presented: string, expected: string) => boolean,
): Promise<string | undefined> {
	const now = Date.now();
	const trusted = trustedTokens.get(scope);
	const stillTrusted = trusted !== undefined && trusted.until > now;
	if (stillTrusted) {
		if (matches(presented, trusted.token)) return trusted.token;
		if (trusted.rechecked) return undefined;
		trusted.rechecked = true;
	}
	const token = await derive();
	if (token === undefined) return undefined;
	if (!stillTrusted || token !== trusted.token) {
		if (trustedTokens.size >= MAX_TRUSTED_TOKENS) trustedTokens.clear();
		trustedTokens.set(scope, { token, until: now + TRUSTED_TOKEN_MS, rechecked: false });
	}
	return matches(presented, token) ? token : undefined;
}

/**
 * [Unparsed bodies] Relies on n8n's webhook server leaving the body of a content type it does not parse unread
 * from a webhook node's version 1.1 on (with `readRawBody` to read it), and skipping the v1 Webhook node's
 * binaryData option, an expression per delivery; checked on n8n 1.123 and 2.41.
 */
export const UNPARSED_BODY_VERSIONS = { version: [1, 1.1], defaultVersion: 1.1 };

/** The request as n8n's webhook routes hand it over: Express's body and n8n's raw body, read on demand. */
export interface ReceivedRequest {
	headers: Record<string, unknown>;
	body?: unknown;
	rawBody?: Buffer;
	/** n8n's reader of a body it left unread, within its own payload limit; it throws past it. */
	readRawBody?: () => Promise<void>;
}

/** The raw bytes of the body, 'tooLarge' past n8n's payload limit, or undefined when there are none to read. */
export async function rawBodyOf(request: ReceivedRequest): Promise<Buffer | 'tooLarge' | 'unreadable' | undefined> {
	if (request.rawBody === undefined && request.readRawBody) {
		try {
			await request.readRawBody();
		} catch (error) {
			// Past n8n's own payload limit, or the sender gave up while sending.
			return (error as { status?: number }).status === 413 ? 'tooLarge' : 'unreadable';
		}
	}
	return request.rawBody;
}

/**
 * [Webhook answer] Relies on n8n answering a webhook in onReceived mode with the node's webhookResponse when
 * `responseData` is empty; its default would answer the text "firstEntryJson"; checked on n8n 1.123 and 2.41.
 */
export const ANSWER_WITH_WEBHOOK_RESPONSE = '';

/**
 * [Processed-items store] Relies on n8n's processed-items store reading a node's list, adding to it and writing
 * it back, so that two executions recording at once overwrite each other's additions, and on the first writes
 * of two processes both creating the row, the later failing; checked on n8n 1.123 and 2.41. Within a process the
 * executions that arrive while one recording runs share the next one (taking turns one execution at a time made
 * a burst queue up, each waiting execution holding its expression isolate of several MB on n8n 2.x); a failed
 * recording is tried again once; across processes (queue mode) they can still race.
 */
interface RecordingBatch {
	/** The keys of each execution that joined, in the order they joined. */
	entries: string[][];
	/** For each entry, its keys that had been recorded before (by the store, or earlier in the batch). */
	repeats: Promise<string[][]>;
}

/** Per scope: the batch that waits for the running one, and the running one's end. */
const waitingBatches = new Map<string, RecordingBatch>();
const runningRecordings = new Map<string, Promise<unknown>>();

async function recordBatch(context: IExecuteFunctions, entries: string[][], maxEntries: number): Promise<string[][]> {
	const keys = [...new Set(entries.flat())];
	const record = async () => await context.helpers.checkProcessedAndRecord(keys, 'node', { mode: 'entries', maxEntries });
	let output: IDeduplicationOutput;
	try {
		output = await record();
	} catch {
		output = await record();
	}
	const recordedBefore = new Set(output.processed.map(String));
	const inThisBatch = new Set<string>();
	return entries.map((entryKeys) =>
		entryKeys.filter((key) => {
			const repeat = recordedBefore.has(key) || inThisBatch.has(key);
			inThisBatch.add(key);
			return repeat;
		}),
	);
}

/** Joins the scope's waiting batch, or starts one that runs once the running recording has ended. */
function joinBatch(context: IExecuteFunctions, scope: string, keys: string[], maxEntries: number) {
	let batch = waitingBatches.get(scope);
	if (batch === undefined) {
		const entries: string[][] = [];
		const previous = runningRecordings.get(scope) ?? Promise.resolve();
		const repeats = previous.then(async () => {
			// From here on, executions that arrive wait for the next batch.
			waitingBatches.delete(scope);
			return await recordBatch(context, entries, maxEntries);
		});
		batch = { entries, repeats };
		waitingBatches.set(scope, batch);
		const ended = repeats.catch(() => undefined);
		runningRecordings.set(scope, ended);
		void ended.then(() => {
			if (runningRecordings.get(scope) === ended) runningRecordings.delete(scope);
		});
	}
	return { batch, index: batch.entries.push(keys) - 1 };
}

/** Records `keys` in the processed-items store of `scope` and returns those recorded before. */
export async function checkProcessedAndRecordTogether(
	this: IExecuteFunctions,
	scope: string,
	keys: string[],
	maxEntries: number,
): Promise<string[]> {
	const { batch, index } = joinBatch(this, scope, keys, maxEntries);
	return (await batch.repeats)[index];
}

// n8n's default endpoint names (N8N_ENDPOINT_WEBHOOK_TEST, N8N_ENDPOINT_WEBHOOK).
const TEST_ENDPOINT = '/webhook-test/';
const PRODUCTION_ENDPOINT = '/webhook/';

/**
 * [Production URL of a test] Relies on n8n's default endpoints `webhook-test` and `webhook`, under which a
 * node's test and production URLs differ only, and on a test run getting an empty copy of the static data and
 * an inactive copy of the workflow, so the production URL cannot be read from either; checked on n8n 1.123 and
 * 2.41. Undefined when `url` is not a test URL.
 */
export function productionUrlOfTest(url: string): string | undefined {
	const at = url.lastIndexOf(TEST_ENDPOINT);
	if (at === -1) return undefined;
	return `${url.slice(0, at)}${PRODUCTION_ENDPOINT}${url.slice(at + TEST_ENDPOINT.length)}`;
}

/**
 * What n8n writes when a field is dragged from the input panel: `={{ $json.phone }}`,
 * `={{ $json.customer.name }}` or `={{ $json["first name"] }}`, and nothing around it.
 * Quoted keys with braces or line breaks are left to n8n, whose parser reads them differently.
 */
const FIELD_REFERENCE =
	/^=\{\{\s*\$json((?:\.[A-Za-z_$][\w$]*|\[\s*(?:"[^"\\{}\r\n\u2028\u2029]*"|'[^'\\{}\r\n\u2028\u2029]*')\s*\])+)\s*\}\}$/;
const PATH_STEP = /\.([A-Za-z_$][\w$]*)|\[\s*(?:"([^"]*)"|'([^']*)')\s*\]/g;

/** A value read without n8n's expression engine, or undefined where only n8n can tell. */
export type DirectValue = { value: unknown } | undefined;

function fieldPath(expression: string): string[] | undefined {
	const steps = FIELD_REFERENCE.exec(expression)?.[1];
	if (steps === undefined) return undefined;
	const path = [...steps.matchAll(PATH_STEP)].map((step) => step[1] ?? step[2] ?? step[3]);
	// n8n refuses to read these names in an expression; it must be the one to say so.
	return path.every((key) => isSafeObjectProperty(key)) ? path : undefined;
}

function readPath(json: IDataObject, path: string[]): DirectValue {
	let value: unknown = json;
	for (const key of path) {
		// Reading on past a missing field or into text is an expression error, which n8n must raise.
		if (typeof value !== 'object' || value === null) return undefined;
		if (!Object.prototype.hasOwnProperty.call(value, key)) {
			if (key in value) return undefined;
			value = undefined;
			continue;
		}
		value = (value as IDataObject)[key];
	}
	// Objects and arrays come back from n8n as copies with its own clean-ups; leave those to n8n.
	return typeof value === 'object' && value !== null ? undefined : { value };
}

/**
 * [Dragged fields] Relies on n8n writing a dragged field as `={{ $json.path }}` and evaluating it to that field
 * of the item (a scalar as it is, a missing field as undefined); checked on n8n 1.123 and 2.41. Such a value is
 * read from the item without n8n's expression engine (0.6 ms an expression on 2.x); undefined means "ask n8n".
 */
export function directValue(raw: unknown, json: IDataObject): DirectValue {
	// An absent parameter gets n8n's default handling.
	if (raw === undefined) return undefined;
	if (typeof raw !== 'string') return raw === null || typeof raw !== 'object' ? { value: raw } : undefined;
	if (!raw.startsWith('=')) return { value: raw };
	const path = fieldPath(raw);
	return path ? readPath(json, path) : undefined;
}

const hasMethod = (value: unknown, name: string): value is Record<string, () => unknown> =>
	typeof value === 'object' && value !== null && typeof (value as Record<string, unknown>)[name] === 'function';

/** How n8n 2.x's isolate sends a DateTime out (@n8n/expression-runtime luxon-transfer), when nothing rebuilds it. */
const isDateTimeMarker = (value: unknown): value is { __isoString: string } =>
	typeof value === 'object' &&
	value !== null &&
	(value as IDataObject).__n8nType === 'DateTime' &&
	typeof (value as IDataObject).__isoString === 'string';

/**
 * [Realms] Relies on n8n's expression engine handing over Luxon DateTimes and JS Dates made in another realm or
 * module copy (its sandbox; an isolate on 2.x, whose DateTime can even arrive as its transfer marker
 * `{ __n8nType: 'DateTime', __isoString }`), which `instanceof` does not recognise; checked on n8n 1.123 and
 * 2.41. They are recognised by shape: epoch ms of a DateTime, a marker or a Date, undefined for anything else.
 */
export function epochMsOfDateLike(value: unknown): number | undefined {
	if (isDateTimeMarker(value)) return Date.parse(value.__isoString);
	if (hasMethod(value, 'toMillis')) return Number(value.toMillis());
	if (hasMethod(value, 'getTime')) return Number(value.getTime());
	return undefined;
}

/**
 * [Node panel] Relies on n8n's node panel merging a trigger into the app node of the same name (omiAiTrigger into
 * omiAi) and showing the trigger's description for both (editor-ui nodeCreator useActionsGeneration.ts,
 * generateMergedNodesAndActions); checked on n8n 1.123 and 2.41. Both nodes carry this text, true of the entry's
 * actions and triggers alike.
 */
export const OMI_NODE_CREATOR_DESCRIPTION =
	'Transcribe and analyze call recordings, run callBot campaigns, and start workflows when OMI finishes a result';
