import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

import { OMI_FAIL, OMI_OK, drain, envelope, isPlainObject, rewriteJsonAnswer, sendFail, sendRaw } from './envelope';
import type { CancellableTimers } from './timers';
import type { ActiveFaultRule, Fault, FaultRule } from './types';

export class FaultRuleError extends Error {}

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;

function validateFault(fault: unknown): Fault {
	const f = (fault ?? {}) as Record<string, unknown>;
	switch (f.type) {
		case 'latency':
			if (!isCount(f.ms)) throw new FaultRuleError('latency fault needs ms (a whole number >= 0)');
			return { type: 'latency', ms: f.ms };
		case 'http':
			if (!isCount(f.status) || f.status < 100 || f.status > 599) throw new FaultRuleError('http fault needs status (100-599)');
			if (f.body !== undefined && typeof f.body !== 'string') throw new FaultRuleError('http fault body must be a string');
			return { type: 'http', status: f.status, body: f.body };
		case 'envelope-error':
			if (typeof f.message !== 'string' || f.message === '') throw new FaultRuleError('envelope-error fault needs a message');
			return { type: 'envelope-error', message: f.message };
		case 'malformed-json':
			return { type: 'malformed-json' };
		case 'drop':
			return { type: 'drop' };
		case 'echo-request':
			if (f.status !== undefined && (!isCount(f.status) || f.status < 200 || f.status > 599)) {
				throw new FaultRuleError('echo-request fault status must be 200-599');
			}
			return { type: 'echo-request', status: f.status };
		case 'reshape': {
			const moves = f.move;
			const valid =
				isPlainObject(moves) &&
				Object.keys(moves).length > 0 &&
				Object.entries(moves).every(([from, to]) => from !== '' && typeof to === 'string' && to !== '');
			if (!valid) throw new FaultRuleError('reshape fault needs move: { "<dotted path>": "<dotted path>", ... }');
			return { type: 'reshape', move: moves as Record<string, string> };
		}
		case 'add-fields':
			if (!isPlainObject(f.fields) || Object.keys(f.fields).length === 0) {
				throw new FaultRuleError('add-fields fault needs fields: { "<dotted path>": <value>, ... }');
			}
			return { type: 'add-fields', fields: f.fields };
		default:
			throw new FaultRuleError(
				'fault.type must be latency, http, envelope-error, malformed-json, drop, echo-request, reshape or add-fields',
			);
	}
}

export function validateFaultRule(rule: unknown): ActiveFaultRule {
	const r = (rule ?? {}) as Record<string, unknown>;
	if (typeof r.path !== 'string' || !r.path.startsWith('/')) throw new FaultRuleError('path must be a pathname starting with /');
	if (r.method !== undefined && (typeof r.method !== 'string' || r.method === '')) throw new FaultRuleError('method must be a string');
	if (r.times !== undefined && (!isCount(r.times) || r.times === 0)) throw new FaultRuleError('times must be a whole number >= 1');
	if (r.skip !== undefined && !isCount(r.skip)) throw new FaultRuleError('skip must be a whole number >= 0');
	return {
		method: typeof r.method === 'string' ? r.method.toUpperCase() : null,
		path: r.path,
		times: (r.times as number | undefined) ?? 1,
		skip: (r.skip as number | undefined) ?? 0,
		fault: validateFault(r.fault),
		seen: 0,
		applied: 0,
	};
}

export class FaultBook {
	private rules: ActiveFaultRule[] = [];

	add(rule: FaultRule): void {
		this.rules.push(validateFaultRule(rule));
	}

	clear(): void {
		this.rules = [];
	}

	list(): ActiveFaultRule[] {
		return structuredClone(this.rules);
	}

	/** The fault this request gets, if any; counts the request against every rule it matches up to the one that fires. */
	take(method: string, path: string): Fault | undefined {
		for (const rule of this.rules) {
			if (rule.method !== null && rule.method !== method.toUpperCase()) continue;
			const matches = rule.path.endsWith('*') ? path.startsWith(rule.path.slice(0, -1)) : path === rule.path;
			if (!matches) continue;
			rule.seen++;
			if (rule.seen <= rule.skip || rule.applied >= rule.times) continue;
			rule.applied++;
			return rule.fault;
		}
		return undefined;
	}
}

/** Resolves 'continue' when the request should now be handled normally, 'handled' when the fault answered (or killed) it. */
export async function applyFault(
	fault: Fault,
	req: IncomingMessage,
	res: ServerResponse,
	timers: CancellableTimers,
): Promise<'continue' | 'handled'> {
	switch (fault.type) {
		case 'latency':
			if (await timers.sleep(fault.ms)) return 'continue';
			req.socket.destroy();
			return 'handled';
		case 'http': {
			const body = fault.body ?? JSON.stringify(envelope(OMI_FAIL, STATUS_CODES[fault.status] ?? `HTTP ${fault.status}`));
			sendRaw(res, fault.status, body, contentTypeOf(body));
			drain(req);
			return 'handled';
		}
		case 'envelope-error':
			sendFail(res, fault.message);
			drain(req);
			return 'handled';
		case 'malformed-json': {
			const full = JSON.stringify(envelope(OMI_OK, 'success', { note: 'this answer was cut short by a sandbox fault' }));
			sendRaw(res, 200, full.slice(0, Math.floor(full.length / 2)));
			drain(req);
			return 'handled';
		}
		case 'drop':
			dropMidBody(req);
			return 'handled';
		case 'echo-request':
			sendFail(res, `refused ${req.method} ${req.url} ${JSON.stringify(req.headers)}`, fault.status ?? 200);
			drain(req);
			return 'handled';
		case 'reshape':
			rewriteJsonAnswer(res, (answer) => moveFields(answer, fault.move));
			return 'continue';
		case 'add-fields':
			rewriteJsonAnswer(res, (answer) => addFields(answer, fault.fields));
			return 'continue';
	}
}

/** A proxy's or a load balancer's error page is HTML; anything else that is not JSON goes as plain text. */
function contentTypeOf(body: string): string {
	if (/^\s*[[{]/.test(body)) return 'application/json; charset=utf-8';
	if (/^\s*</.test(body)) return 'text/html; charset=utf-8';
	return 'text/plain; charset=utf-8';
}

type Container = Record<string, unknown> | unknown[];

const isContainer = (value: unknown): value is Container => typeof value === 'object' && value !== null;

/** The object holding the last segment of a dotted path ("payload.0.name"), created on the way when asked. */
function parentOf(root: unknown, path: string, create: boolean): { parent: Container; key: string } | undefined {
	const segments = path.split('.');
	const key = segments.pop() as string;
	let node = root;
	for (const segment of segments) {
		if (!isContainer(node)) return undefined;
		const record = node as Record<string, unknown>;
		if (!isContainer(record[segment])) {
			if (!create) return undefined;
			record[segment] = {};
		}
		node = record[segment];
	}
	return isContainer(node) ? { parent: node, key } : undefined;
}

/** Sets each value at its dotted path, creating the objects on the way, as a vendor adding fields would. */
export function addFields<T>(answer: T, fields: Record<string, unknown>): T {
	for (const [path, value] of Object.entries(fields)) {
		const target = parentOf(answer, path, true);
		if (target) (target.parent as Record<string, unknown>)[target.key] = structuredClone(value);
	}
	return answer;
}

/** Moves each field to its new path: a rename when only the last segment changes, another nesting otherwise. */
function moveFields(answer: unknown, moves: Record<string, string>): unknown {
	for (const [from, to] of Object.entries(moves)) {
		const source = parentOf(answer, from, false);
		if (!source || !(source.key in source.parent)) continue;
		const value = (source.parent as Record<string, unknown>)[source.key];
		delete (source.parent as Record<string, unknown>)[source.key];
		const target = parentOf(answer, to, true);
		if (target) (target.parent as Record<string, unknown>)[target.key] = value;
	}
	return answer;
}

/** An upload should die part-way through, as when a proxy or the network cuts it, not before it starts. */
function dropMidBody(req: IncomingMessage): void {
	const hasBody = req.headers['transfer-encoding'] !== undefined || Number(req.headers['content-length'] ?? 0) > 0;
	if (!hasBody || req.complete) {
		req.socket.destroy();
		return;
	}
	const kill = () => req.socket.destroy();
	req.once('data', kill);
	req.once('end', kill);
}
