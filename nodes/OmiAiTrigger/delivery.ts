import type { IDataObject, IExecuteFunctions, IWebhookFunctions } from 'n8n-workflow';
import { sleep } from 'n8n-workflow';

import type { ReceivedRequest } from '../omi/n8n';
import { checkProcessedAndRecordTogether, rawBodyOf } from '../omi/n8n';
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
	const rawBody = await rawBodyOf(request);
	if (rawBody === 'tooLarge') return tooLarge();
	if (rawBody === 'unreadable') return notAnObject();
	if ((rawBody?.length ?? 0) > MAX_BODY_BYTES) return tooLarge();
	let body: unknown = request.body;
	if (rawBody !== undefined) {
		try {
			body = JSON.parse(rawBody.toString('utf8')) as unknown;
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
	executionsRunHere.add(scope);
	executionsRunElsewhere.delete(scope);
	for (const key of keys) {
		seenLately.delete(`${scope}|${key}`);
		seenLately.set(`${scope}|${key}`, true);
		const started = inFlight.get(`${scope}|${key}`);
		inFlight.delete(`${scope}|${key}`);
		started?.resolve();
	}
	// A Map iterates in insertion order: the first entries are the oldest.
	for (const oldest of seenLately.keys()) {
		if (seenLately.size <= MAX_SEEN_LATELY) break;
		seenLately.delete(oldest);
	}
}

/**
 * How long a repeat waits for the first delivery of its result to reach
 * execute(). n8n answers a delivery once its execution is stored, and runs
 * that execution's first step a little later, a second or more under load; a
 * repeat arriving meanwhile is neither a new result nor, yet, a seen one.
 */
export const IN_FLIGHT_WAIT_MS = 5_000;

/** Deliveries handed to n8n whose execution has not reached execute() yet, per trigger and result. */
const inFlight = new Map<string, { since: number; started: Promise<void>; resolve: () => void }>();

/** Triggers whose executions this process runs; in queue mode the workers run them, and a repeat must not wait. */
const executionsRunHere = new Set<string>();
const executionsRunElsewhere = new Set<string>();

export function markInFlight(scope: string, key: string): void {
	let resolve = () => {};
	const started = new Promise<void>((done) => (resolve = done));
	inFlight.delete(`${scope}|${key}`);
	inFlight.set(`${scope}|${key}`, { since: Date.now(), started, resolve });
	for (const [oldest, entry] of inFlight) {
		if (inFlight.size <= MAX_SEEN_LATELY && Date.now() - entry.since < IN_FLIGHT_WAIT_MS) break;
		inFlight.delete(oldest);
	}
}

/**
 * Whether the first delivery of this result, still in flight, started its
 * execution: waits for that, up to IN_FLIGHT_WAIT_MS. False when nothing is
 * in flight, or when the first never got to execute(), so that the repeat
 * starts an execution of its own and the result is not lost.
 */
export async function firstDeliveryStarted(scope: string, key: string): Promise<boolean> {
	const first = inFlight.get(`${scope}|${key}`);
	if (!first || executionsRunElsewhere.has(scope)) return false;
	const remainingMs = first.since + IN_FLIGHT_WAIT_MS - Date.now();
	if (remainingMs <= 0) return false;
	// n8n 2.x's n8n-workflow has no sleepWithAbort: the timer runs out by itself, within those seconds.
	const started = await Promise.race([first.started.then(() => true), sleep(remainingMs).then(() => false)]);
	if (!started && !executionsRunHere.has(scope)) executionsRunElsewhere.add(scope);
	return started;
}

/** Whose results these are: one trigger node of one workflow. */
export const deliveryScope = (context: IExecuteFunctions | IWebhookFunctions): string =>
	`${context.getWorkflow().id ?? ''}:${context.getNode().id}`;

/**
 * Records the results in n8n's processed-items store and returns those it
 * had recorded before. If the store fails, the results count as new: running
 * the workflow twice costs less than losing a result that OMI will not send again.
 */
export async function recordResults(this: IExecuteFunctions, keys: string[]): Promise<string[]> {
	try {
		return await checkProcessedAndRecordTogether.call(this, deliveryScope(this), keys, REMEMBERED_RESULTS);
	} catch (error) {
		this.logger.warn(
			`OMI AI Trigger: n8n's processed-items store failed (${(error as Error).message}), so this result is not checked for a repeat`,
			{ workflowId: this.getWorkflow().id, node: this.getNode().name },
		);
		return [];
	}
}
