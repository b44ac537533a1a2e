import type { IncomingMessage, ServerResponse } from 'node:http';

import type { FaultBook } from './faults';
import type { CancellableTimers } from './timers';
import type { TokenIssuer } from './tokens';
import type { CallbotSession, SandboxCall, RegisterAnswer, RequestLogEntry, UploadRecord, WebhookState } from './types';
import type { WebhookDispatcher } from './webhooks';

export interface ResolvedOptions {
	apiKey: string;
	resultDelayMs: number;
	dncPhones: Set<string>;
	invalidPhones: Set<string>;
	analyzedLogsPerSession: number;
	registerAnswer: RegisterAnswer;
	keyErrorStatus: number;
	requestLogLimit: number;
}

/** Everything reset() forgets. Replaced whole on reset, so no field can be missed. */
export interface SandboxState {
	uploads: UploadRecord[];
	requests: RequestLogEntry[];
	sessions: Map<string, CallbotSession>;
	extSessionIds: Set<string>;
	webhook: WebhookState;
	authRequests: number;
	tokensIssued: number;
	/** The call history, in the order the calls were added. */
	calls: SandboxCall[];
	callSearches: number;
}

export function createState(): SandboxState {
	return {
		uploads: [],
		requests: [],
		sessions: new Map(),
		extSessionIds: new Set(),
		webhook: { current: null, history: [] },
		authRequests: 0,
		tokensIssued: 0,
		calls: [],
		callSearches: 0,
	};
}

/**
 * Long benchmarks must not grow the request log without bound; the oldest
 * entries go first. Once full, its length stays the same: find the requests
 * after an instant by their time, never by an index taken before.
 */
export const REQUEST_LOG_LIMIT = 10_000;

export interface Core {
	options: ResolvedOptions;
	state: SandboxState;
	tokens: TokenIssuer;
	webhooks: WebhookDispatcher;
	faults: FaultBook;
	/** For latency faults; cancelled on close. */
	timers: CancellableTimers;
	log: (line: string) => void;
}

export interface RouteContext {
	req: IncomingMessage;
	res: ServerResponse;
	url: URL;
	/** Captures of the route's pattern. */
	params: string[];
	core: Core;
}
