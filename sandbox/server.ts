/**
 * OMI sandbox: a local stand-in for the OMI API (docs/omi-api.md) over real
 * HTTP, so tests, benchmarks and demos run without an OMI account. Dev only.
 *
 *   const sandbox = await startSandbox({ port: 0, resultDelayMs: 50 });
 *   // point the credential at sandbox.url, use sandbox.apiKey
 *   await sandbox.close();
 */

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

import { AlovoiceSandbox } from './alovoice';
import { streamCallSpecs } from './callHistory';
import { createControl, handleControlRequest } from './control';
import { RECORDINGS_PATH, serveRecording } from './recordings';
import { REQUEST_LOG_LIMIT, createState, type Core, type SandboxState } from './core';
import { drain, sendFail } from './envelope';
import { FaultBook, applyFault } from './faults';
import { handleApiRequest } from './routes';
import { CancellableTimers } from './timers';
import { TokenIssuer } from './tokens';
import type { RequestLogEntry, Sandbox, SandboxOptions } from './types';
import { WebhookDispatcher } from './webhooks';

export * from './types';
export { buildResult } from './generate';
export { ODD_RESULTS, type OddResult } from './oddResults';
export * from './unknownFields';
export { ALOVOICE_CALL_IDS, NGINX_502_PAGE } from './alovoice';

export const SANDBOX_DEFAULTS = {
	port: 3990,
	host: '127.0.0.1',
	apiKey: 'sandbox-api-key',
	tokenTtlMs: 24 * 60 * 60 * 1000,
	resultDelayMs: 2000,
	webhookRetryMs: 1000,
	webhookMaxAttempts: 10,
	analyzedLogsPerSession: 120,
	alovoiceToken: 'sandbox-alovoice-token',
	alovoiceReadyAfterMs: 3000,
	registerAnswer: 'envelope',
	keyErrorStatus: 200,
} as const;

function logRequest(state: SandboxState, limit: number, req: IncomingMessage, path: string, url: URL): RequestLogEntry {
	const headers: Record<string, string> = {};
	for (const [name, value] of Object.entries(req.headers)) {
		if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
	}
	const entry: RequestLogEntry = {
		method: req.method ?? 'GET',
		path,
		query: Object.fromEntries(url.searchParams),
		headers,
		status: null,
		at: Date.now(),
	};
	state.requests.push(entry);
	if (state.requests.length > limit) state.requests.shift();
	return entry;
}

function listen(server: Server, port: number, host: string): Promise<void> {
	return new Promise((resolve, reject) => {
		server.once('error', reject);
		server.listen(port, host, () => {
			server.off('error', reject);
			resolve();
		});
	});
}

export async function startSandbox(options: SandboxOptions = {}): Promise<Sandbox> {
	const host = options.host ?? SANDBOX_DEFAULTS.host;
	const apiKey = options.apiKey ?? SANDBOX_DEFAULTS.apiKey;
	const log = options.log ?? (() => undefined);
	const core: Core = {
		options: {
			apiKey,
			resultDelayMs: Math.max(0, options.resultDelayMs ?? SANDBOX_DEFAULTS.resultDelayMs),
			dncPhones: new Set((options.dncPhones ?? []).map((p) => p.trim())),
			invalidPhones: new Set((options.invalidPhones ?? []).map((p) => p.trim())),
			analyzedLogsPerSession: Math.max(0, options.analyzedLogsPerSession ?? SANDBOX_DEFAULTS.analyzedLogsPerSession),
			registerAnswer: options.registerAnswer ?? SANDBOX_DEFAULTS.registerAnswer,
			keyErrorStatus: options.keyErrorStatus ?? SANDBOX_DEFAULTS.keyErrorStatus,
			requestLogLimit: Math.max(1, options.requestLogLimit ?? REQUEST_LOG_LIMIT),
		},
		state: createState(),
		tokens: new TokenIssuer(options.tokenTtlMs ?? SANDBOX_DEFAULTS.tokenTtlMs),
		webhooks: new WebhookDispatcher({
			retryMs: Math.max(0, options.webhookRetryMs ?? SANDBOX_DEFAULTS.webhookRetryMs),
			maxAttempts: Math.max(1, options.webhookMaxAttempts ?? SANDBOX_DEFAULTS.webhookMaxAttempts),
			log,
		}),
		faults: new FaultBook(),
		timers: new CancellableTimers(),
		log,
	};
	const alovoiceToken = options.alovoiceToken ?? SANDBOX_DEFAULTS.alovoiceToken;
	const alovoice = new AlovoiceSandbox(
		alovoiceToken,
		Math.max(0, options.alovoiceReadyAfterMs ?? SANDBOX_DEFAULTS.alovoiceReadyAfterMs),
	);
	const omiControl = createControl(core);
	const control = {
		...omiControl,
		reset() {
			omiControl.reset();
			alovoice.reset();
		},
		alovoice: alovoice.control,
		openRecordingDownloads: () => openRecordingDownloads,
	};
	let openRecordingDownloads = 0;

	async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
		const started = Date.now();
		// Built by hand rather than with a base URL, so that a path like "//x" stays a path.
		const url = new URL(`http://sandbox.invalid${req.url ?? '/'}`);
		const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
		const method = req.method ?? 'GET';
		res.on('close', () => {
			// The path only: the query of /api/auth carries the API key.
			log(`${method} ${path} ${res.writableFinished ? res.statusCode : 'dropped'} ${Date.now() - started}ms`);
		});

		if (path === '/_sandbox' || path.startsWith('/_sandbox/')) return handleControlRequest(control, req, res, path);
		if (RECORDINGS_PATH.test(path) && (method === 'GET' || method === 'HEAD')) {
			openRecordingDownloads++;
			res.once('close', () => openRecordingDownloads--);
			return serveRecording(req, res, url);
		}

		const entry = logRequest(core.state, core.options.requestLogLimit, req, path, url);
		res.on('finish', () => {
			entry.status = res.statusCode;
		});
		const fault = core.faults.take(method, path);
		if (fault && (await applyFault(fault, req, res, core.timers)) === 'handled') return;
		if (alovoice.handle(method, path, res)) return drain(req);
		await handleApiRequest({ req, res, url, core }, path);
	}

	const server = createServer((req, res) => {
		handle(req, res).catch((error: unknown) => {
			log(`internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
			sendFail(res, 'internal_error', 500);
			drain(req);
		});
	});
	await listen(server, options.port ?? SANDBOX_DEFAULTS.port, host);
	const { port } = server.address() as AddressInfo;

	if (options.callsEveryMs !== undefined && options.callsEveryMs > 0) {
		const everyMs = options.callsEveryMs;
		void (async () => {
			for (let tick = 0; await core.timers.sleep(everyMs); tick++) control.addCalls(streamCallSpecs(tick));
		})();
	}

	let closing: Promise<void> | undefined;
	const shutdown = async () => {
		core.webhooks.close();
		core.timers.cancelAll();
		await new Promise<void>((resolve) => {
			server.close(() => resolve());
			// Idle keep-alive sockets would otherwise hold close() open for seconds.
			server.closeAllConnections();
		});
	};

	return {
		url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
		port,
		apiKey,
		alovoiceToken,
		control,
		close: () => (closing ??= shutdown()),
	};
}
