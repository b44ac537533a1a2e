import type { IDataObject, IDeduplicationOutput, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';

import { isPlainObject } from '../shared/json';

/** Far above any result OMI documents, far below what would strain n8n. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** How many results (event and tracking ID) n8n's processed-items store keeps per trigger node. */
export const REMEMBERED_RESULTS = 500;

/** OMI's results nest a few levels; far deeper JSON is an attack on whatever walks it later. */
export const MAX_NESTING = 32;

/** Keys that reach an object's prototype when later code merges or assigns the body. */
const PROTOTYPE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export type ReadResult = { body: IDataObject } | { refusal: { status: number; message: string } };

interface ReceivedRequest {
	headers: Record<string, unknown>;
	body?: unknown;
	rawBody?: Buffer;
	/** n8n's reader of a body it left unread, within its own payload limit; it throws past it. */
	readRawBody?: () => Promise<void>;
}

function declaredLength(headers: Record<string, unknown>): number {
	const length = Number(headers['content-length']);
	return Number.isFinite(length) ? length : 0;
}

const tooLarge = (): ReadResult => ({
	refusal: { status: 413, message: `The body is larger than ${MAX_BODY_BYTES / (1024 * 1024)} MB` },
});
const notAnObject = (): ReadResult => ({ refusal: { status: 400, message: 'The body must be a JSON object' } });

/**
 * The JSON object OMI posted, or why it is refused. The raw bytes decide,
 * so a JSON body sent under another content type, or none, still counts and a
 * form post never passes for a result. From version 1.1 n8n leaves the body
 * of a content type it does not parse unread, and OMI documents none. n8n
 * reads multipart bodies itself, as forms, which no result is.
 */
export async function readResultBody(request: ReceivedRequest): Promise<ReadResult> {
	if (declaredLength(request.headers) > MAX_BODY_BYTES) return tooLarge();
	if (String(request.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/')) return notAnObject();
	if (request.rawBody === undefined && request.readRawBody) {
		try {
			await request.readRawBody();
		} catch (error) {
			// Past n8n's own payload limit, or the sender gave up while sending.
			return (error as { status?: number }).status === 413 ? tooLarge() : notAnObject();
		}
	}
	if ((request.rawBody?.length ?? 0) > MAX_BODY_BYTES) return tooLarge();
	let body: unknown = request.body;
	if (request.rawBody !== undefined) {
		try {
			body = JSON.parse(request.rawBody.toString('utf8')) as unknown;
		} catch {
			body = undefined;
		}
	}
	if (!isPlainObject(body)) return notAnObject();
	const problem = structuralProblem(body);
	return problem === undefined ? { body } : { refusal: { status: 400, message: problem } };
}

/** Why the parsed body is unsafe to hand on, or undefined. Iterative, so depth itself cannot overflow the stack. */
function structuralProblem(body: IDataObject): string | undefined {
	const pending: Array<{ value: unknown; depth: number }> = [{ value: body, depth: 1 }];
	while (pending.length > 0) {
		const { value, depth } = pending.pop()!;
		if (typeof value !== 'object' || value === null) continue;
		if (depth > MAX_NESTING) return `The body is nested deeper than ${MAX_NESTING} levels`;
		for (const [key, child] of Object.entries(value)) {
			if (!Array.isArray(value) && PROTOTYPE_KEYS.has(key)) return `The body has the forbidden key "${key}"`;
			pending.push({ value: child, depth: depth + 1 });
		}
	}
	return undefined;
}

/**
 * The key under which a result is remembered: the same event and tracking ID
 * is the same result. A result without a tracking ID, or of no known event,
 * has none and is never taken for a repeat.
 */
export function resultKey(event: unknown, trackingId: unknown): string | undefined {
	if (typeof trackingId !== 'string' || trackingId === '' || typeof event !== 'string' || event === 'unknown') return undefined;
	return `${event}:${trackingId}`;
}

/**
 * Results this process handled lately, per trigger node, so that webhook()
 * can answer OMI's repeat of a result without starting an execution. n8n
 * offers its processed-items store only to executions, where execute()
 * checks every result; this is the quick answer when the process that takes
 * the webhooks also runs the executions, as n8n does outside queue mode.
 */
const seenLately = new Map<string, true>();
const MAX_SEEN_LATELY = 20 * REMEMBERED_RESULTS;

export function wasSeenLately(scope: string, key: string): boolean {
	return seenLately.has(`${scope}|${key}`);
}

export function markSeenLately(scope: string, keys: string[]): void {
	for (const key of keys) {
		seenLately.delete(`${scope}|${key}`);
		seenLately.set(`${scope}|${key}`, true);
	}
	// A Map iterates in insertion order: the first entries are the oldest.
	for (const oldest of seenLately.keys()) {
		if (seenLately.size <= MAX_SEEN_LATELY) break;
		seenLately.delete(oldest);
	}
}

/** Whose results these are: one trigger node of one workflow. */
export const deliveryScope = (context: IExecuteFunctions | IWebhookFunctions): string =>
	`${context.getWorkflow().id ?? ''}:${context.getNode().id}`;

/**
 * n8n's store reads a trigger's list, adds to it and writes it back, so two
 * executions recording at once would overwrite each other's additions. Within
 * a process they take turns; across processes (queue mode) they can still race.
 */
const recordingQueues = new Map<string, Promise<unknown>>();

/**
 * Records the results in n8n's processed-items store and returns those it
 * had recorded before. If the store fails, the results count as new: running
 * the workflow twice costs less than losing a result that OMI will not send again.
 */
export async function recordResults(this: IExecuteFunctions, keys: string[]): Promise<string[]> {
	const scope = deliveryScope(this);
	const record = async () =>
		await this.helpers.checkProcessedAndRecord(keys, 'node', { mode: 'entries', maxEntries: REMEMBERED_RESULTS });
	const recorded = (recordingQueues.get(scope) ?? Promise.resolve()).then(async (): Promise<IDeduplicationOutput> => {
		try {
			return await record();
		} catch {
			// The first deliveries to a new trigger, in different processes, can both try to create the
			// store's row; the later one fails, and finds the row when it tries again.
			return await record();
		}
	});
	const settled = recorded.catch(() => undefined);
	recordingQueues.set(scope, settled);
	try {
		return (await recorded).processed.map(String);
	} catch (error) {
		this.logger.warn(
			`OMI AI Trigger: n8n's processed-items store failed (${(error as Error).message}), so this result is not checked for a repeat`,
			{ workflowId: this.getWorkflow().id, node: this.getNode().name },
		);
		return [];
	} finally {
		if (recordingQueues.get(scope) === settled) recordingQueues.delete(scope);
	}
}
