/**
 * The conformance probe: sends the requests the nodes send to a real OMI
 * account and the same requests to the sandbox (shared/omi-api.md restated in
 * code), and records, field by field, where the two answers
 * differ and what the nodes will read from OMI's answer.
 */

import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import { detectEvent, simplifyResult } from '../nodes/OmiAiTrigger/simplify';
import { isPlainObject } from '../nodes/shared/json';
import { type Sandbox, buildResult, startSandbox } from '../sandbox/server';
import { toneWav } from '../sandbox/recordings';
import { type Answer, type Ask, send } from './http';
import { Redactor } from './redact';
import { compareShapes, kindOf, valuesAt } from './shape';

export const WRONG_API_KEY = 'omi-probe-deliberately-wrong-key';

export interface CaptureOptions {
	/** The public https URL OMI is to post results to; it must reach listenPort on this machine. */
	publicUrl: string;
	listenPort: number;
	waitMs: number;
}

export interface ProbeOptions {
	apiKey: string;
	baseUrl: string;
	/** Candidate hosts of the AI endpoints, each asked whether it answers. */
	aiBaseUrls: string[];
	autocallId?: string;
	/** Sends one short WAV to speech-to-text. */
	upload?: boolean;
	capture?: CaptureOptions;
	timeoutMs?: number;
	/** The reference; started (and stopped) by the probe when absent. */
	reference?: Sandbox;
	log?: (line: string) => void;
}

export type DifferenceKind = 'no-answer' | 'http-status' | 'not-json' | 'value' | 'missing' | 'moved' | 'extra' | 'type';

export interface Difference {
	kind: DifferenceKind;
	path: string;
	sandbox: string;
	omi: string;
}

export interface Read {
	/** What a node does with the value. */
	what: string;
	path: string;
	found: boolean;
}

export interface CheckResult {
	id: string;
	title: string;
	request: string;
	omi: AnswerSummary;
	sandbox: AnswerSummary;
	differences: Difference[];
	reads: Read[];
	/** What the nodes do when this answer differs. */
	consequence: string;
	notes: string[];
}

export type AnswerSummary =
	| { answered: true; status: number; contentType: string; body: unknown }
	| { answered: false; failure: string };

export interface AiHostVerdict {
	host: string;
	verdict: string;
	usable: boolean;
}

export interface ProbeReport {
	probedAt: string;
	target: { baseUrl: string; aiBaseUrls: string[] };
	asked: { autocallId: boolean; upload: boolean; capture: boolean };
	checks: CheckResult[];
	aiHosts: AiHostVerdict[];
	skipped: string[];
	totals: { checks: number; differences: number; notRead: number };
}

interface Side {
	name: 'omi' | 'sandbox';
	baseUrl: string;
	aiBaseUrl: string;
	apiKey: string;
	token?: string;
	scriptId?: string;
	autocallId?: string;
}

interface CheckSpec {
	id: string;
	title: string;
	ask: (side: Side) => Ask;
	/** Fields whose values, not only their shapes, must match the sandbox's. */
	sameValues?: string[];
	reads?: Array<{ what: string; path: string }>;
	consequence: string;
}

const JSON_HEADERS = { 'Content-Type': 'application/json' };

const callbotHeaders = (side: Side) => ({ ...JSON_HEADERS, 'x-api-key': side.apiKey, Authorization: `Bearer ${side.token ?? ''}` });

/** Large answers (a script's flow, fifty log entries) are cut to their first items in the report. */
function abbreviate(value: unknown, depth = 0): unknown {
	if (Array.isArray(value)) {
		const kept = value.slice(0, 3).map((entry) => abbreviate(entry, depth + 1));
		return value.length > 3 ? [...kept, `… ${value.length - 3} more`] : kept;
	}
	if (kindOf(value) === 'object') {
		if (depth > 6) return '{…}';
		return Object.fromEntries(Object.entries(value as Record<string, unknown>).map(([k, v]) => [k, abbreviate(v, depth + 1)]));
	}
	return typeof value === 'string' && value.length > 300 ? `${value.slice(0, 300)}…` : value;
}

function summarise(answer: Answer): AnswerSummary {
	if (!answer.answered) return answer;
	const body = answer.json !== undefined ? abbreviate(answer.json) : answer.text.slice(0, 500);
	return { answered: true, status: answer.status, contentType: answer.contentType, body };
}

function describeKindOfBody(answer: Extract<Answer, { answered: true }>): string {
	if (answer.json !== undefined) return 'JSON';
	if (answer.text.trim() === '') return 'an empty body';
	if (/html/i.test(answer.contentType) || /^\s*</.test(answer.text)) return `an HTML page (${answer.contentType || 'no content type'})`;
	return `text that is not JSON (${answer.contentType || 'no content type'})`;
}

export function compareAnswers(reference: Answer, actual: Answer, sameValues: string[] = []): Difference[] {
	if (!actual.answered) return [{ kind: 'no-answer', path: '', sandbox: reference.answered ? `HTTP ${reference.status}` : reference.failure, omi: actual.failure }];
	if (!reference.answered) return [];
	const differences: Difference[] = [];
	if (actual.status !== reference.status) differences.push({ kind: 'http-status', path: '', sandbox: `HTTP ${reference.status}`, omi: `HTTP ${actual.status}` });
	if (reference.json !== undefined && actual.json === undefined) {
		differences.push({ kind: 'not-json', path: '', sandbox: 'JSON', omi: describeKindOfBody(actual) });
		return differences;
	}
	differences.push(...compareShapes(reference.json, actual.json));
	for (const path of sameValues) {
		const want = JSON.stringify(valuesAt(reference.json, path));
		const got = JSON.stringify(valuesAt(actual.json, path));
		if (want !== got) differences.push({ kind: 'value', path, sandbox: want, omi: got });
	}
	return differences;
}

const TOKEN_READ = {
	what: 'The credential fetches the access token every callBot request is sent with (Bearer)',
	path: 'payload.access_token',
};

const REFUSAL_CONSEQUENCE =
	'The nodes check the envelope, not only the HTTP status: a refusal with HTTP 200 and status_code -9999 shows OMI\'s message with a hint. ' +
	'Another HTTP status is shown as that HTTP error with OMI\'s message when the body is JSON; a 401 first makes n8n fetch a new token once.';

const CALLBOT_CHECKS: CheckSpec[] = [
	{
		id: 'auth',
		title: 'Access token from the API key',
		ask: (side) => ({ method: 'GET', url: `${side.baseUrl}/api/auth?apiKey=${encodeURIComponent(side.apiKey)}`, headers: JSON_HEADERS }),
		sameValues: ['status_code'],
		reads: [TOKEN_READ],
		consequence:
			'Without payload.access_token every callBot operation fails with "OMI refused the API key" and the credential test fails; the AI operations do not need it.',
	},
	{
		id: 'auth-wrong-key',
		title: 'Access token refused for a wrong API key',
		ask: (side) => ({ method: 'GET', url: `${side.baseUrl}/api/auth?apiKey=${WRONG_API_KEY}`, headers: JSON_HEADERS }),
		sameValues: ['status_code', 'message'],
		reads: [{ what: 'The credential dialog names OMI\'s reason (api_key_invalid) for a wrong key', path: 'message' }],
		consequence: REFUSAL_CONSEQUENCE,
	},
	{
		id: 'script-list',
		title: 'List of callBot scripts',
		ask: (side) => ({ method: 'GET', url: `${side.baseUrl}/api/call_bot/script/list`, headers: callbotHeaders(side) }),
		sameValues: ['status_code'],
		reads: [
			{ what: 'Script › Get Many outputs each script; the script pickers list them by id', path: 'payload[].id' },
			{ what: 'The script pickers show each script by its name', path: 'payload[].name' },
			{ what: 'Start Campaign offers each script variable as a column (field_code)', path: 'payload[].variables[].field_code' },
		],
		consequence: 'An answer whose payload is not a list makes Get Many output nothing and the pickers stay empty.',
	},
	{
		id: 'script-detail',
		title: 'One callBot script',
		ask: (side) => ({ method: 'GET', url: `${side.baseUrl}/api/call_bot/get_by_id/${encodeURIComponent(side.scriptId ?? '')}`, headers: callbotHeaders(side) }),
		sameValues: ['status_code'],
		reads: [
			{ what: 'Script › Get outputs the script as OMI sends it', path: 'payload.id' },
			{ what: 'Start Campaign maps its columns from the script\'s variables', path: 'payload.variables[].field_code' },
		],
		consequence: 'Script › Get outputs payload whole, so extra fields reach the workflow; missing variables leave no columns to map.',
	},
	{
		id: 'bad-request',
		title: 'A bad request (analysed logs without a session id)',
		ask: (side) => ({ method: 'POST', url: `${side.baseUrl}/api/call_bot/analyzed_log/list?page=1&size=1`, headers: callbotHeaders(side), body: '{}' }),
		sameValues: ['error'],
		consequence: 'The nodes show the HTTP status with OMI\'s text; a body that is not JSON is shown as its first characters.',
	},
];

const SESSION_CHECKS: CheckSpec[] = [
	{
		id: 'count-calls',
		title: 'Count the calls of a session',
		ask: (side) => ({ method: 'POST', url: `${side.baseUrl}/api/call_bot/call/count`, headers: callbotHeaders(side), body: JSON.stringify({ autocall_id: side.autocallId }) }),
		sameValues: ['status_code'],
		reads: [{ what: 'Count Calls outputs payload as count', path: 'payload' }],
		consequence: 'A payload that is not a number is output as OMI sent it.',
	},
	{
		id: 'analyzed-logs',
		title: 'Analysed logs of a session (first page)',
		ask: (side) => ({
			method: 'POST',
			url: `${side.baseUrl}/api/call_bot/analyzed_log/list?page=1&size=50`,
			headers: callbotHeaders(side),
			body: JSON.stringify({ keyword: '', ref_uuid: side.autocallId }),
		}),
		sameValues: ['status_code'],
		reads: [
			{ what: 'Get Analyzed Logs outputs one item per entry of payload.items', path: 'payload.items' },
			{ what: 'Return All asks for the next page while payload.has_next is true', path: 'payload.has_next' },
		],
		consequence: 'Without payload.items the operation outputs nothing; without has_next, Return All stops after the first page.',
	},
];

const aiProbe = (wrongKey: boolean): CheckSpec => ({
	id: wrongKey ? 'ai-host-wrong-key' : 'ai-host',
	title: wrongKey ? 'AI host refuses a wrong API key' : 'AI host answers (speech-to-text without a file: changes nothing)',
	// No body: nothing to transcribe, nothing to register, so nothing on the account changes.
	ask: (side) => ({ method: 'POST', url: `${side.aiBaseUrl}/api/ai/speech_to_text`, headers: { apiKey: wrongKey ? WRONG_API_KEY : side.apiKey } }),
	sameValues: ['status_code', 'message'],
	reads: [{ what: 'The credential test and Transcribe / Analyze Call read OMI\'s reason from message', path: 'message' }],
	consequence: wrongKey
		? REFUSAL_CONSEQUENCE
			: 'Transcribe, Analyze Call and Webhook › Register send to this host; if it does not answer as OMI, set the credential\'s AI Base URL to the host that does.',
});

const uploadCheck = (trackingId: string): CheckSpec => ({
	id: 'upload',
	title: 'Upload a 2-second WAV for speech-to-text',
	ask: (side) => {
		const form = new FormData();
		form.append('file', new Blob([toneWav(2)], { type: 'audio/wav' }), 'omi-probe.wav');
		form.append('tracking_id', trackingId);
		return { method: 'POST', url: `${side.aiBaseUrl}/api/ai/speech_to_text`, headers: { apiKey: side.apiKey }, body: form };
	},
	sameValues: ['status_code'],
	reads: [{ what: 'Transcribe outputs OMI\'s whole acknowledgement next to the tracking id it sent', path: 'payload' }],
	consequence: 'The upload is accepted when the envelope says 9999 (or the answer is a bare 2xx); anything else fails the item with OMI\'s message.',
});

function verdictFor(host: string, withKey: Answer, wrongKey: Answer): AiHostVerdict {
	if (!withKey.answered) return { host, usable: false, verdict: `does not answer: ${withKey.failure}` };
	const message = kindOf(withKey.json) === 'object' ? (withKey.json as Record<string, unknown>).message : undefined;
	const statusCode = kindOf(withKey.json) === 'object' ? (withKey.json as Record<string, unknown>).status_code : undefined;
	if (statusCode === undefined) return { host, usable: false, verdict: `answers HTTP ${withKey.status} with ${describeKindOfBody(withKey)}, not OMI's envelope` };
	if (message === 'api_key_invalid' || message === 'api_key_is_required') return { host, usable: false, verdict: `answers as OMI but refuses the key (${String(message)})` };
	const refusesWrongKey = wrongKey.answered && kindOf(wrongKey.json) === 'object' && (wrongKey.json as Record<string, unknown>).message === 'api_key_invalid';
	return {
		host,
		usable: true,
		verdict: `answers as OMI and accepts the key (${String(message)})${refusesWrongKey ? '' : '; it did not refuse a wrong key with api_key_invalid, see the differences'}`,
	};
}

/** Listens for the results OMI posts to the user's public URL, forwarded here by their tunnel. */
class ResultCatcher {
	readonly received: unknown[] = [];
	private server?: Server;
	private wake?: () => void;

	async listen(port: number): Promise<number> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				const text = Buffer.concat(chunks).toString('utf8');
				try {
					this.received.push(JSON.parse(text) as unknown);
				} catch {
					this.received.push(text);
				}
				res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
				this.wake?.();
			});
		});
		await new Promise<void>((resolve, reject) => {
			this.server?.once('error', reject);
			this.server?.listen(port, '127.0.0.1', () => resolve());
		});
		return (this.server.address() as AddressInfo).port;
	}

	async waitFor(trackingId: string, ms: number): Promise<unknown> {
		const deadline = Date.now() + ms;
		const matching = () => this.received.find((body) => kindOf(body) === 'object' && (body as Record<string, unknown>).tracking_id === trackingId);
		while (matching() === undefined && Date.now() < deadline) {
			await new Promise<void>((resolve) => {
				this.wake = resolve;
				setTimeout(resolve, Math.min(1000, Math.max(0, deadline - Date.now())));
			});
		}
		return matching();
	}

	async close(): Promise<void> {
		await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
	}
}

const requestLine = (ask: Ask) => `${ask.method} ${new URL(ask.url).pathname}${new URL(ask.url).search}`;

export async function runProbe(options: ProbeOptions): Promise<ProbeReport> {
	const timeoutMs = options.timeoutMs ?? 20_000;
	const log = options.log ?? (() => undefined);
	const redactor = new Redactor();
	redactor.addSecret(options.apiKey);
	const reference = options.reference ?? (await startSandbox({ port: 0, resultDelayMs: 60_000 }));
	const omi: Side = { name: 'omi', baseUrl: options.baseUrl, aiBaseUrl: options.aiBaseUrls[0] ?? options.baseUrl, apiKey: options.apiKey, autocallId: options.autocallId };
	const sandbox: Side = { name: 'sandbox', baseUrl: reference.url, aiBaseUrl: reference.url, apiKey: reference.apiKey };
	redactor.addSecret(reference.apiKey);
	const checks: CheckResult[] = [];
	const skipped: string[] = [];
	const aiHosts: AiHostVerdict[] = [];

	async function run(spec: CheckSpec, hostLabel = ''): Promise<{ omi: Answer; sandbox: Answer }> {
		const omiAsk = spec.ask(omi);
		log(`${spec.title}${hostLabel}: ${requestLine(omiAsk)}`);
		const [omiAnswer, sandboxAnswer] = await Promise.all([send(omiAsk, timeoutMs), send(spec.ask(sandbox), timeoutMs)]);
		const json = omiAnswer.answered ? omiAnswer.json : undefined;
		checks.push({
			id: spec.id,
			title: `${spec.title}${hostLabel}`,
			request: requestLine(omiAsk),
			omi: summarise(omiAnswer),
			sandbox: summarise(sandboxAnswer),
			differences: compareAnswers(sandboxAnswer, omiAnswer, spec.sameValues),
			reads: (spec.reads ?? []).map((read) => ({ ...read, found: valuesAt(json, read.path).length > 0 })),
			consequence: spec.consequence,
			notes: [],
		});
		return { omi: omiAnswer, sandbox: sandboxAnswer };
	}

	const tokenOf = (answer: Answer) => {
		const [token] = answer.answered ? valuesAt(answer.json, 'payload.access_token') : [];
		return typeof token === 'string' ? token : undefined;
	};

	try {
		const auth = await run(CALLBOT_CHECKS[0]);
		omi.token = tokenOf(auth.omi);
		sandbox.token = tokenOf(auth.sandbox);
		redactor.addSecret(omi.token);
		redactor.addSecret(sandbox.token);
		await run(CALLBOT_CHECKS[1]);

		if (omi.token === undefined) {
			skipped.push('The callBot checks: OMI gave no access token (see "Access token from the API key").');
		} else {
			const list = await run(CALLBOT_CHECKS[2]);
			const firstId = (answer: Answer) => {
				const [id] = answer.answered ? valuesAt(answer.json, 'payload[].id') : [];
				return typeof id === 'string' || typeof id === 'number' ? String(id) : undefined;
			};
			omi.scriptId = firstId(list.omi);
			sandbox.scriptId = firstId(list.sandbox);
			if (omi.scriptId === undefined) skipped.push('Reading one script: the account lists no script id.');
			else await run(CALLBOT_CHECKS[3]);
			await run(CALLBOT_CHECKS[4]);

			if (options.autocallId) {
				// The sandbox's own session, made in the local sandbox only, to answer the same requests.
				const started = await send(
					{
						method: 'POST',
						url: `${sandbox.baseUrl}/api/call_bot/execute_by_phone`,
						headers: callbotHeaders(sandbox),
						body: JSON.stringify({ bot_script_id: sandbox.scriptId, contact_info: [{ phone: '0900000001' }] }),
					},
					timeoutMs,
				);
				const [autocallId] = started.answered ? valuesAt(started.json, 'payload.autocall_id') : [];
				sandbox.autocallId = String(autocallId);
				for (const spec of SESSION_CHECKS) await run(spec);
			} else {
				skipped.push('Counting calls and listing analysed logs: give --autocall-id <a session id from OMI> to check them.');
			}
		}

		for (const host of options.aiBaseUrls) {
			omi.aiBaseUrl = host;
			const label = ` — ${host}`;
			const withKey = await run(aiProbe(false), label);
			const wrong = await run(aiProbe(true), label);
			aiHosts.push(verdictFor(host, withKey.omi, wrong.omi));
		}
		const aiHost = aiHosts.find((verdict) => verdict.usable)?.host ?? options.aiBaseUrls[0];
		omi.aiBaseUrl = aiHost ?? omi.baseUrl;

		if (options.upload) await run(uploadCheck(`omi-probe-${randomUUID()}`));
		else skipped.push('The upload: give --upload to send one 2-second WAV to speech-to-text (it may count against your quota).');

		if (options.capture) await capture(options.capture);
		else skipped.push('What OMI posts with a result: give --capture-results <public https URL> to capture it.');
	} finally {
		if (!options.reference) await reference.close();
	}

	async function capture(capture: CaptureOptions): Promise<void> {
		const catcher = new ResultCatcher();
		const port = await catcher.listen(capture.listenPort);
		log(`Listening on 127.0.0.1:${port} for what OMI posts to ${redactor.text(capture.publicUrl)}`);
		try {
			const trackingId = `omi-probe-${randomUUID()}`;
			const register: CheckSpec = {
				id: 'register-webhook',
				title: 'Register the URL for AI results',
				ask: (side) => ({
					method: 'POST',
					url: `${side.aiBaseUrl}/api/ai/register_webhook_ai`,
					headers: { ...JSON_HEADERS, apiKey: side.apiKey },
					body: JSON.stringify({ url: side.name === 'omi' ? capture.publicUrl : `http://127.0.0.1:${port}/` }),
				}),
				sameValues: ['status_code'],
				consequence: 'The OMI AI Trigger and Webhook › Register accept OMI\'s envelope with 9999 or a bare HTTP 200.',
			};
			await run(register);
			const analyze: CheckSpec = {
				id: 'upload-analysis',
				title: 'Upload a 2-second WAV for call analysis',
				ask: (side) => ({ ...uploadCheck(trackingId).ask(side), url: `${side.aiBaseUrl}/api/ai/call_analyze` }),
				sameValues: ['status_code'],
				reads: [{ what: 'Analyze Call outputs OMI\'s whole acknowledgement', path: 'payload' }],
				consequence: uploadCheck(trackingId).consequence,
			};
			await run(analyze);
			log(`Waiting up to ${Math.round(capture.waitMs / 1000)} s for the analysis result ...`);
			const result = await catcher.waitFor(trackingId, capture.waitMs);
			const expected = buildResult('analysis', trackingId);
			const asAnswer = (body: unknown): Answer => ({ answered: true, status: 200, contentType: 'application/json', text: '', json: body });
			checks.push({
				id: 'captured-result',
				title: 'The analysis result OMI posted',
				request: `POST ${redactor.text(capture.publicUrl)}`,
				omi: result === undefined ? { answered: false, failure: `nothing arrived within ${Math.round(capture.waitMs / 1000)} s` } : summarise(asAnswer(result)),
				sandbox: summarise(asAnswer(expected)),
				differences:
					result === undefined
						? [{ kind: 'no-answer', path: '', sandbox: 'a result', omi: 'nothing arrived' }]
						: compareAnswers(asAnswer(expected), asAnswer(result)),
				...triggerReading(result),
				consequence: 'The OMI AI Trigger reads the fields the sandbox sends; what it cannot read it lists in warnings, with the body in raw.',
			});
		} finally {
			await catcher.close();
		}

		/** What the OMI AI Trigger makes of the captured result: the values it promises, and its warnings. */
		function triggerReading(result: unknown): Pick<CheckResult, 'reads' | 'notes'> {
			const notes = [`${catcher.received.length} request(s) arrived at the local listener.`];
			if (!isPlainObject(result)) return { reads: [], notes };
			const item = simplifyResult(detectEvent(result), result);
			const qa = isPlainObject(item.qa) ? item.qa : {};
			const read = (what: string, path: string, value: unknown) => ({ what: `The OMI AI Trigger ${what}`, path, found: typeof value === 'number' });
			return {
				reads: [
					read('reads the staff QA score (qa.staffScore)', 'quality_evaluation_result.STAFF.score or analyst_results.staff_score', qa.staffScore),
					read('reads the customer QA score (qa.customerScore)', 'quality_evaluation_result.CUSTOMER.score or analyst_results.customer_score', qa.customerScore),
					read('reads the staff talk time (staffTalkTime)', 'staff_talk_time or analyst_results.staff_talk_time', item.staffTalkTime),
					read('reads the customer talk time (customerTalkTime)', 'customer_talk_time or analyst_results.customer_talk_time', item.customerTalkTime),
				],
				notes: [...notes, ...(Array.isArray(item.warnings) ? item.warnings.map((warning) => `The OMI AI Trigger could not read ${String(warning)}`) : [])],
			};
		}
	}

	const differences = checks.reduce((sum, check) => sum + check.differences.length, 0);
	const notRead = checks.reduce((sum, check) => sum + check.reads.filter((read) => !read.found).length, 0);
	return redactor.value({
		probedAt: new Date().toISOString(),
		target: { baseUrl: options.baseUrl, aiBaseUrls: options.aiBaseUrls },
		asked: { autocallId: Boolean(options.autocallId), upload: Boolean(options.upload), capture: Boolean(options.capture) },
		checks,
		aiHosts,
		skipped,
		totals: { checks: checks.length, differences, notRead },
	});
}
