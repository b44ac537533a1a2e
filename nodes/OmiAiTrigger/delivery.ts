import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from './simplify';

/** Far above any result OMI documents, far below what would strain n8n. */
export const MAX_BODY_BYTES = 5 * 1024 * 1024;

/** How many recent results (event and tracking ID) a trigger remembers to recognise a repeated delivery. */
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
	/** n8n's reader of the body it left unread (within its own payload limit). */
	readRawBody?: () => Promise<void>;
}

function declaredLength(headers: Record<string, unknown>): number {
	const length = Number(headers['content-length']);
	return Number.isFinite(length) ? length : 0;
}

const TOO_LARGE = { refusal: { status: 413, message: `The body is larger than ${MAX_BODY_BYTES / (1024 * 1024)} MB` } };

/**
 * The JSON object OMI posted, or why it is refused. The raw bytes decide,
 * so a JSON body sent under another content type, or none, still counts and a
 * form post never passes for a result. From version 1.1 n8n leaves the body
 * of a content type it does not parse unread, and OMI documents none.
 */
export async function readResultBody(request: ReceivedRequest): Promise<ReadResult> {
	if (declaredLength(request.headers) > MAX_BODY_BYTES) return TOO_LARGE;
	if (request.rawBody === undefined && request.readRawBody) await request.readRawBody();
	if ((request.rawBody?.length ?? 0) > MAX_BODY_BYTES) return TOO_LARGE;
	let body: unknown = request.body;
	if (request.rawBody !== undefined) {
		try {
			body = JSON.parse(request.rawBody.toString('utf8')) as unknown;
		} catch {
			body = undefined;
		}
	}
	if (!isPlainObject(body)) return { refusal: { status: 400, message: 'The body must be a JSON object' } };
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

/** The key under which a result is remembered: the same event and tracking ID is the same result. */
export function resultKey(event: string, trackingId: string): string {
	return `${event}:${trackingId}`;
}

const rememberedIn = (staticData: IDataObject): string[] =>
	Array.isArray(staticData.recentResults) ? (staticData.recentResults as string[]) : [];

export function wasDelivered(staticData: IDataObject, key: string): boolean {
	return rememberedIn(staticData).includes(key);
}

/** Keeps the last REMEMBERED_RESULTS keys. */
export function rememberDelivered(staticData: IDataObject, keys: string[]): void {
	const remembered = rememberedIn(staticData).filter((key) => !keys.includes(key));
	// A new array rather than push(), so n8n notices that the static data changed.
	staticData.recentResults = [...remembered, ...keys].slice(-REMEMBERED_RESULTS);
}
