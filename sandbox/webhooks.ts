import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import * as https from 'node:https';

import { buildResult } from './generate';
import { CancellableTimers } from './timers';
import type { DeliveryKind, DeliveryRecord } from './types';

export interface WebhookDispatcherOptions {
	retryMs: number;
	maxAttempts: number;
	log: (line: string) => void;
}

const ATTEMPT_TIMEOUT_MS = 10_000;

/** A receiver's URL may carry a secret in its query (the OMI AI Trigger's token): the log shows the rest. */
function withoutQuery(url: string): string {
	const queryAt = url.indexOf('?');
	return queryAt === -1 ? url : `${url.slice(0, queryAt)}?…`;
}

interface AttemptOutcome {
	status: number | null;
	error: string | null;
	answer?: string;
}

/** Enough of an answer to tell a receiver's own answer from whatever else said 200. */
const ANSWER_KEPT_BYTES = 200;

/**
 * POSTs results to webhook receivers the way OMI is assumed to: JSON body,
 * retried at a fixed pace until a 2xx or the attempts run out.
 */
export class WebhookDispatcher {
	private records: DeliveryRecord[] = [];
	private readonly timers = new CancellableTimers();
	private readonly inFlight = new Set<http.ClientRequest>();
	/** Bumped by cancelAll(), so that a delivery caught mid-way stops instead of writing into the cleared list. */
	private generation = 0;
	// No keep-alive: an idle pooled socket to the receiver would outlive close() and keep test runners waiting.
	private readonly agents = { http: new http.Agent({ keepAlive: false }), https: new https.Agent({ keepAlive: false }) };

	constructor(private readonly options: WebhookDispatcherOptions) {}

	list(): DeliveryRecord[] {
		return structuredClone(this.records);
	}

	count(): number {
		return this.records.length;
	}

	/** Delivers after `delayMs` to whatever `resolveUrl` says then: the webhook registered at that moment. */
	schedule(kind: DeliveryKind, trackingId: string, delayMs: number, resolveUrl: () => string | null): void {
		const generation = this.generation;
		void this.timers.sleep(delayMs).then((elapsed) => {
			if (elapsed && generation === this.generation) return this.deliver(kind, trackingId, resolveUrl());
			return undefined;
		});
	}

	/** Resolves with the finished record: delivered, given up, or cut short by reset/close. */
	async deliver(kind: DeliveryKind, trackingId: string, url: string | null): Promise<DeliveryRecord> {
		const record: DeliveryRecord = {
			id: randomUUID(),
			url,
			kind,
			trackingId,
			attempts: 0,
			lastStatus: null,
			lastError: null,
			lastAnswer: null,
			delivered: false,
			done: false,
			body: buildResult(kind, trackingId),
		};
		this.records.push(record);
		if (url === null) {
			record.lastError = 'no webhook registered';
			record.done = true;
			this.options.log(`webhook ${kind} ${trackingId}: no webhook registered, result dropped`);
			return structuredClone(record);
		}

		const generation = this.generation;
		const text = JSON.stringify(record.body);
		while (record.attempts < this.options.maxAttempts) {
			record.attempts++;
			const outcome = await this.post(url, text);
			if (generation !== this.generation) {
				record.lastError = 'cancelled by reset or close';
				break;
			}
			record.lastStatus = outcome.status;
			record.lastError = outcome.error;
			record.lastAnswer = outcome.answer ?? null;
			record.delivered = outcome.status !== null && outcome.status >= 200 && outcome.status < 300;
			this.options.log(
				`webhook ${kind} ${trackingId} -> ${withoutQuery(url)} attempt ${record.attempts}: ${outcome.status ?? outcome.error ?? 'no answer'}`,
			);
			if (record.delivered || record.attempts >= this.options.maxAttempts) break;
			if (!(await this.timers.sleep(this.options.retryMs))) break;
		}
		record.done = true;
		return structuredClone(record);
	}

	/** Forgets every delivery and stops the pending ones. */
	cancelAll(): void {
		this.generation++;
		this.records = [];
		this.timers.cancelAll();
		for (const request of this.inFlight) request.destroy(new Error('sandbox reset'));
	}

	close(): void {
		this.cancelAll();
		this.agents.http.destroy();
		this.agents.https.destroy();
	}

	private post(url: string, text: string): Promise<AttemptOutcome> {
		let target: URL;
		try {
			target = new URL(url);
		} catch {
			return Promise.resolve({ status: null, error: 'invalid url' });
		}
		const secure = target.protocol === 'https:';
		return new Promise((resolve) => {
			let settled = false;
			const settle = (outcome: AttemptOutcome) => {
				if (settled) return;
				settled = true;
				this.inFlight.delete(request);
				resolve(outcome);
			};
			const request = (secure ? https : http).request(
				target,
				{
					method: 'POST',
					agent: secure ? this.agents.https : this.agents.http,
					timeout: ATTEMPT_TIMEOUT_MS,
					headers: {
						'content-type': 'application/json',
						'content-length': Buffer.byteLength(text),
						'user-agent': 'omi-sandbox-webhook',
					},
				},
				(response) => {
					// The status decides, as for OMI; the start of the answer is kept for the record.
					let answer = '';
					response.setEncoding('utf8');
					response.on('data', (chunk: string) => {
						if (answer.length < ANSWER_KEPT_BYTES) answer = (answer + chunk).slice(0, ANSWER_KEPT_BYTES);
					});
					response.on('end', () => settle({ status: response.statusCode ?? null, error: null, answer }));
					response.on('error', (error) => settle({ status: response.statusCode ?? null, error: error.message }));
				},
			);
			this.inFlight.add(request);
			request.on('timeout', () => request.destroy(new Error(`no answer within ${ATTEMPT_TIMEOUT_MS} ms`)));
			request.on('error', (error) => settle({ status: null, error: error.message }));
			request.end(text);
		});
	}
}
