import type { IncomingMessage, ServerResponse } from 'node:http';

export const OMI_OK = 9999;
export const OMI_FAIL = -9999;

/** Shaped like OMI's own instance_version ("1.2.164") so clients that show it get something plausible. */
export const SANDBOX_VERSION = '1.2.164-sandbox';

export interface Envelope {
	status_code: number;
	message: string;
	payload: unknown;
	instance_id: string;
	instance_version: string;
	key_enabled: boolean;
}

export function envelope(statusCode: number, message: string, payload: unknown = null): Envelope {
	return {
		status_code: statusCode,
		message,
		payload,
		instance_id: 'sandbox',
		instance_version: SANDBOX_VERSION,
		key_enabled: true,
	};
}

export function sendJson(res: ServerResponse, httpStatus: number, body: unknown): void {
	sendRaw(res, httpStatus, JSON.stringify(body));
}

/** JSON answers of a request a `reshape` fault matched are rewritten by its function before they go out. */
const answerRewriters = new WeakMap<ServerResponse, (body: unknown) => unknown>();

export function rewriteJsonAnswer(res: ServerResponse, rewrite: (body: unknown) => unknown): void {
	answerRewriters.set(res, rewrite);
}

function rewritten(res: ServerResponse, text: string): string {
	const rewrite = answerRewriters.get(res);
	if (!rewrite) return text;
	try {
		return JSON.stringify(rewrite(JSON.parse(text) as unknown));
	} catch {
		return text;
	}
}

export function sendRaw(res: ServerResponse, httpStatus: number, body: string, contentType = 'application/json; charset=utf-8'): void {
	if (res.headersSent || res.destroyed) return;
	const text = contentType.startsWith('application/json') ? rewritten(res, body) : body;
	res.writeHead(httpStatus, { 'content-type': contentType, 'content-length': Buffer.byteLength(text) });
	res.end(text);
}

export function sendOk(res: ServerResponse, payload: unknown): void {
	sendJson(res, 200, envelope(OMI_OK, 'success', payload));
}

/** OMI reports most failures with HTTP 200 and status_code -9999; only a few come with another HTTP status. */
export function sendFail(res: ServerResponse, message: string, httpStatus = 200): void {
	sendJson(res, httpStatus, envelope(OMI_FAIL, message));
}

export type JsonBody =
	| { kind: 'empty' }
	| { kind: 'json'; value: unknown }
	| { kind: 'invalid' }
	| { kind: 'too-large' }
	| { kind: 'aborted' };

/** JSON bodies of the OMI API are small; anything bigger is refused rather than buffered. */
const JSON_BODY_LIMIT = 2 * 1024 * 1024;

export function readJsonBody(req: IncomingMessage): Promise<JsonBody> {
	return new Promise((resolve) => {
		const chunks: Buffer[] = [];
		let size = 0;
		let settled = false;
		const settle = (body: JsonBody) => {
			if (settled) return;
			settled = true;
			resolve(body);
		};
		req.on('data', (chunk: Buffer) => {
			if (settled) return;
			size += chunk.length;
			if (size > JSON_BODY_LIMIT) {
				chunks.length = 0;
				settle({ kind: 'too-large' });
				return;
			}
			chunks.push(chunk);
		});
		req.on('end', () => {
			const text = Buffer.concat(chunks).toString('utf8').trim();
			if (text === '') return settle({ kind: 'empty' });
			try {
				settle({ kind: 'json', value: JSON.parse(text) as unknown });
			} catch {
				settle({ kind: 'invalid' });
			}
		});
		req.on('error', () => settle({ kind: 'aborted' }));
		req.on('close', () => {
			if (!req.complete) settle({ kind: 'aborted' });
		});
	});
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The body an endpoint needs, or undefined after answering request_body_required.
 * `{}` counts as missing: it carries nothing an endpoint could act on.
 */
export async function requireJsonObject(req: IncomingMessage, res: ServerResponse): Promise<Record<string, unknown> | undefined> {
	const body = await readJsonBody(req);
	if (body.kind === 'aborted') return undefined;
	if (body.kind === 'too-large') {
		sendFail(res, 'request_body_too_large', 413);
		return undefined;
	}
	if (body.kind !== 'json' || !isPlainObject(body.value) || Object.keys(body.value).length === 0) {
		sendFail(res, 'request_body_required');
		return undefined;
	}
	return body.value;
}

/** Lets an unread request body flow to nowhere, so an early answer does not stall the client's upload. */
export function drain(req: IncomingMessage): void {
	if (!req.complete) req.resume();
}
