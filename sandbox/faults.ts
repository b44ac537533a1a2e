import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http';

import { OMI_FAIL, OMI_OK, drain, envelope, sendFail, sendRaw } from './envelope';
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
		default:
			throw new FaultRuleError('fault.type must be latency, http, envelope-error, malformed-json, drop or echo-request');
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
			const looksJson = /^\s*[[{]/.test(body);
			sendRaw(res, fault.status, body, looksJson ? 'application/json; charset=utf-8' : 'text/plain; charset=utf-8');
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
	}
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
