/**
 * The sandbox's own control surface: the same operations in-process
 * (Sandbox.control) and over HTTP under /_sandbox/ for out-of-process callers
 * such as benchmarks and the demo. No auth and no faults on these routes.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

import { createCall } from './callHistory';
import { createState, type Core } from './core';
import { isPlainObject, readJsonBody, sendJson } from './envelope';
import { FaultRuleError } from './faults';
import type { CallSpec, DeliveryKind, FaultRule, SandboxControl } from './types';

/** A control call the caller got wrong: HTTP 400 over the wire, a thrown error in-process. */
export class ControlError extends Error {}

function checkDeliverArgs(kind: unknown, trackingId: unknown, url: unknown): asserts kind is DeliveryKind {
	if (kind !== 'transcription' && kind !== 'analysis') throw new ControlError('kind must be "transcription" or "analysis"');
	if (typeof trackingId !== 'string' || trackingId === '') throw new ControlError('trackingId must be a non-empty string');
	if (url === undefined) return;
	let parsed: URL | undefined;
	try {
		parsed = typeof url === 'string' ? new URL(url) : undefined;
	} catch {
		parsed = undefined;
	}
	if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:')) throw new ControlError('url must be an http(s) URL');
}

function readCallSpecs(value: unknown): CallSpec[] {
	if (!Array.isArray(value) || !value.every(isPlainObject)) throw new ControlError('calls must be an array of call specs');
	for (const spec of value) {
		if (spec.direction !== undefined && !['inbound', 'outbound', 'local'].includes(spec.direction as string)) {
			throw new ControlError('direction must be "inbound", "outbound" or "local"');
		}
	}
	return value as CallSpec[];
}

export function createControl(core: Core): SandboxControl {
	return {
		reset() {
			core.state = createState();
			core.tokens.clear();
			core.webhooks.cancelAll();
			core.faults.clear();
		},
		addFault: (rule: FaultRule) => core.faults.add(rule),
		clearFaults: () => core.faults.clear(),
		faults: () => core.faults.list(),
		expireTokens: () => core.tokens.expireAll(),
		uploads: () => structuredClone(core.state.uploads),
		webhook: () => structuredClone(core.state.webhook),
		deliveries: () => core.webhooks.list(),
		async deliver(kind, trackingId, url) {
			checkDeliverArgs(kind, trackingId, url);
			return core.webhooks.deliver(kind, trackingId, url ?? core.state.webhook.current);
		},
		requests: () => structuredClone(core.state.requests),
		sessions: () => structuredClone([...core.state.sessions.values()]),
		addCalls(specs) {
			const first = core.state.calls.length;
			const added = specs.map((spec, index) => createCall(spec, first + index));
			core.state.calls.push(...added);
			return structuredClone(added);
		},
		calls: () => structuredClone(core.state.calls),
		stats: () => ({
			authRequests: core.state.authRequests,
			tokensIssued: core.state.tokensIssued,
			uploads: core.state.uploads.length,
			deliveries: core.webhooks.count(),
			callSearches: core.state.callSearches,
		}),
	};
}

type ControlRoute = (control: SandboxControl, body: Record<string, unknown>) => unknown;

const OK = { ok: true };

const CONTROL_ROUTES: Record<string, ControlRoute> = {
	'POST /_sandbox/reset': (c) => {
		c.reset();
		return OK;
	},
	'GET /_sandbox/faults': (c) => c.faults(),
	'POST /_sandbox/faults': (c, body) => {
		c.addFault(body as unknown as FaultRule);
		return { ok: true, faults: c.faults() };
	},
	'DELETE /_sandbox/faults': (c) => {
		c.clearFaults();
		return OK;
	},
	'POST /_sandbox/tokens/expire': (c) => {
		c.expireTokens();
		return OK;
	},
	'GET /_sandbox/uploads': (c) => c.uploads(),
	'GET /_sandbox/webhook': (c) => c.webhook(),
	'GET /_sandbox/deliveries': (c) => c.deliveries(),
	'POST /_sandbox/deliver': (c, body) => {
		checkDeliverArgs(body.kind, body.trackingId, body.url);
		return c.deliver(body.kind, body.trackingId as string, body.url as string | undefined);
	},
	'GET /_sandbox/requests': (c) => c.requests(),
	'GET /_sandbox/callbot/sessions': (c) => c.sessions(),
	'GET /_sandbox/calls': (c) => c.calls(),
	'POST /_sandbox/calls': (c, body) => c.addCalls(readCallSpecs(body.calls)),
	'GET /_sandbox/stats': (c) => c.stats(),
};

export async function handleControlRequest(control: SandboxControl, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
	const route = CONTROL_ROUTES[`${req.method ?? 'GET'} ${path}`];
	const body = await readJsonBody(req);
	if (body.kind === 'aborted') return;
	if (!route) return sendJson(res, 404, { error: `no sandbox control route ${req.method ?? ''} ${path}` });
	if (body.kind === 'invalid' || body.kind === 'too-large' || (body.kind === 'json' && !isPlainObject(body.value))) {
		return sendJson(res, 400, { error: 'body must be a JSON object' });
	}
	try {
		sendJson(res, 200, await route(control, body.kind === 'json' ? (body.value as Record<string, unknown>) : {}));
	} catch (error) {
		if (error instanceof ControlError || error instanceof FaultRuleError) return sendJson(res, 400, { error: error.message });
		throw error;
	}
}
