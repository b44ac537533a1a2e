/**
 * Reliability and security of the package in a real n8n 2.x: hostile
 * requests to the trigger, a fuzz run, results delivered across an n8n
 * restart, and a search for leaked secrets. `npm run test:reliability` runs
 * the CI sizes; RELIABILITY_FULL=1 runs the full ones (5,000 fuzzed bodies,
 * 500 deliveries across the restart).
 */

import { createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type DeliveryRecord, type Sandbox, buildResult, startSandbox } from '../../sandbox/server';
import { OPERATIONS, UPLOAD_TIMEOUT_SECONDS, faultPath, operationFaultWorkflows } from '../harness/faultMatrix';
import { fuzzBodies } from '../harness/fuzz';
import { watchPeakRssGrowth } from '../harness/memory';
import { type N8nServer, freePort, startN8n } from '../harness/n8nServer';
import {
	activateWorkflow,
	type Execution,
	createSandboxCredentials,
	createWorkflow,
	executionsOf,
	packedTarballs,
	runWebhookWorkflow,
	stepsWithDiagnostics,
	until,
} from '../harness/suite';
import {
	ACTION_PATHS,
	type Credentials,
	TOKEN_EXPIRY_PATHS,
	actionWorkflows,
	chain,
	node,
	tokenExpiryWorkflows,
	triggerOnly,
} from '../harness/workflows';

const FULL = process.env.RELIABILITY_FULL === '1';
const SIZES = {
	fuzz: FULL ? 5000 : 400,
	restartDeliveries: FULL ? 500 : 60,
	expiryUploads: FULL ? 1000 : 200,
	expiryLogs: 1000,
	burst: FULL ? 2000 : 500,
};
/**
 * How much more n8n's RSS may grow over a burst of results to the trigger than
 * over the same burst to n8n's Webhook node, measured first in the same n8n
 * (issue 25). The leak this guards against grew n8n by 6 to 7 MB per result,
 * without end (3,387 MB on 500 results, against 45 MB for the Webhook node).
 * Since the fix the trigger's peak growth stays at a plateau, whatever the
 * count: 160 to 200 MB on 30, 50, 300 and 500 results at a load average of
 * 20 to 30 on 2 cores, like the bench's minimal community trigger (105 to
 * 150 MB, n8n's cost of any community trigger: an expression isolate per
 * webhook call and per execution in flight), while the Webhook node's own
 * figure varied from 28 to 117 MB. 250 MB passes that plateau on a loaded
 * machine and still fails the leak within 50 results.
 */
const BURST_RSS_ALLOWANCE_MB = 250;
const BURST_CONCURRENCY = 10;
const LOGS_PATH = '/api/call_bot/analyzed_log/list';
const LOGS_PER_PAGE = 50;
/** What n8n answers every request with while it migrates its database at start (abstract-server.js). */
const N8N_STARTING_ANSWER = 'n8n is starting up. Please wait';
const FUZZ_SEED = Number(process.env.RELIABILITY_SEED ?? 20261121);

/** Recognisable secrets: whatever contains them after the run leaked them. */
const API_KEY = `omi-key-${randomUUID()}`;
const ALOVOICE_TOKEN = `alovoice-token-${randomUUID()}`;

const TRIGGER = 'OMI AI Trigger';

/** While on, the sandbox expires every access token as soon as it has served a page of analysed logs. */
let expireTokensAfterEachPage = false;

/** Figures for CONTRIBUTING.md's "Reliability and security" section; printed at the end of the run. */
const figures: Record<string, number | string> = { seed: FUZZ_SEED };

describe('reliability and security in n8n 2.x', () => {
	let n8n: N8nServer;
	let sandbox: Sandbox;
	let credentials: Credentials;
	let triggerWorkflowId: string;
	let triggerUrl: URL;
	const sandboxLog: string[] = [];
	const files = mkdtempSync(join(tmpdir(), 'omicall-reliability-'));
	const step = stepsWithDiagnostics(() => n8n, sandboxLog);

	beforeAll(async () => {
		sandbox = await startSandbox({
			port: 0,
			apiKey: API_KEY,
			alovoiceToken: ALOVOICE_TOKEN,
			resultDelayMs: 200,
			webhookRetryMs: 250,
			webhookMaxAttempts: 400,
			alovoiceReadyAfterMs: 500,
			analyzedLogsPerSession: SIZES.expiryLogs,
			log: (line) => {
				sandboxLog.push(line);
				// The next page then meets an expired token, however fast n8n asks for it.
				if (expireTokensAfterEachPage && line.startsWith(`POST ${LOGS_PATH} 200`)) sandbox.control.expireTokens();
			},
		});
		n8n = await startN8n({
			version: '2',
			tarballs: packedTarballs(),
			port: await freePort(),
			env: { N8N_RESTRICT_FILE_ACCESS_TO: files },
		});
		credentials = await createSandboxCredentials(n8n, sandbox, { omi: 'OMI', alovoice: 'Alovoice' });

		triggerWorkflowId = await createWorkflow(n8n, triggerOnly('reliability: analyses only', ['callAnalysisCompleted'], credentials));
		await activateWorkflow(n8n, triggerWorkflowId);
		triggerUrl = new URL(await until('the trigger to register', () => sandbox.control.webhook().current ?? undefined));
		for (const workflow of [...actionWorkflows(credentials), ...tokenExpiryWorkflows(credentials), ...operationFaultWorkflows(credentials)]) {
			await activateWorkflow(n8n, await createWorkflow(n8n, workflow));
		}
	});

	afterAll(async () => {
		console.log(`reliability figures (${FULL ? 'full' : 'CI'} sizes): ${JSON.stringify(figures)}`);
		await n8n?.stop();
		await sandbox?.close();
		rmSync(files, { recursive: true, force: true });
	});

	const triggerExecutions = () => executionsOf(n8n, triggerWorkflowId);

	/** Sends a request to the trigger URL, changed as `change` says; the token stays unless changed. */
	async function postToTrigger(body: string | Buffer, headers: Record<string, string> = {}, url: URL = triggerUrl) {
		const response = await fetch(url, {
			method: 'POST',
			headers: { 'content-type': 'application/json', ...headers },
			body,
		});
		const text = await response.text();
		return { status: response.status, text };
	}

	const token = () => triggerUrl.searchParams.get('token') as string;
	const urlWith = (change: (url: URL) => void) => {
		const url = new URL(triggerUrl);
		change(url);
		return url;
	};
	const result = JSON.stringify(buildResult('analysis', 'hostile-1'));
	const nested = (depth: number) => `{"tracking_id":"hostile-deep","analyst_results":${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}}`;

	const hostile: Array<[string, () => Promise<{ status: number; text: string }>, number]> = [
		['no token', () => postToTrigger(result, {}, urlWith((url) => url.searchParams.delete('token'))), 401],
		['a wrong token', () => postToTrigger(result, {}, urlWith((url) => url.searchParams.set('token', 'x'.repeat(43)))), 401],
		[
			'a token one character off',
			() =>
				postToTrigger(
					result,
					{},
					urlWith((url) => url.searchParams.set('token', `${token().slice(0, -1)}${token().endsWith('A') ? 'B' : 'A'}`)),
				),
			401,
		],
		[
			'the token in a header',
			() => postToTrigger(result, { authorization: `Bearer ${token()}`, token: token() }, urlWith((url) => url.searchParams.delete('token'))),
			401,
		],
		['the token in the path', () => postToTrigger(result, {}, urlWith((url) => ((url.pathname += `/${token()}`), url.searchParams.delete('token')))), 404],
		['non-JSON text', () => postToTrigger('tracking_id=hostile-1', { 'content-type': 'text/plain' }), 400],
		['broken JSON', () => postToTrigger('{"tracking_id": "hostile-1", "text": ', {}), 422],
		['deeply nested JSON', () => postToTrigger(nested(2000)), 400],
		['a 6 MB body', () => postToTrigger(JSON.stringify({ ...buildResult('analysis', 'hostile-big'), text: 'a'.repeat(6 * 1024 * 1024) })), 413],
		// Over n8n's own payload limit (N8N_PAYLOAD_SIZE_MAX, 16 MB): n8n 2.41 refuses it before any node, with 500.
		['a 50 MB body', () => postToTrigger(Buffer.alloc(50 * 1024 * 1024, 0x20)), 500],
		['a __proto__ key', () => postToTrigger(`{"tracking_id":"hostile-2","text":"x","__proto__":{"polluted":1}}`), 400],
		['a constructor key', () => postToTrigger(`{"tracking_id":"hostile-3","analyst_results":{"constructor":{"prototype":{"polluted":1}}}}`), 400],
	];

	step('refuses each hostile request with the right status, and starts no execution', async () => {
		const before = (await triggerExecutions()).length;
		const statuses: Record<string, number> = {};
		for (const [name, send] of hostile) statuses[name] = (await send()).status;

		const skipped = await postToTrigger(JSON.stringify(buildResult('transcription', 'hostile-unselected')));
		expect({ status: skipped.status, body: JSON.parse(skipped.text) }).toEqual({
			status: 200,
			body: { received: true, skipped: 'event not selected' },
		});
		expect(statuses).toEqual(Object.fromEntries(hostile.map(([name, , status]) => [name, status])));
		// Anything that did start would have finished by now.
		await new Promise((done) => setTimeout(done, 1000));
		expect(await triggerExecutions()).toHaveLength(before);
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		figures.hostileRequests = hostile.length + 1;
	});

	step(
		`survives ${SIZES.fuzz} fuzzed bodies, and starts an execution only for the ones it accepts`,
		async () => {
			const before = (await triggerExecutions()).length;
			const outcomes: Record<string, number> = {};
			let accepted = 0;
			for (const fuzzed of fuzzBodies(FUZZ_SEED, SIZES.fuzz)) {
				const answer = await postToTrigger(fuzzed.body, { 'content-type': fuzzed.contentType });
				const key = answer.status === 200 ? (JSON.parse(answer.text).skipped ?? 'accepted') : String(answer.status);
				outcomes[key] = (outcomes[key] ?? 0) + 1;
				if (key === 'accepted') accepted++;
			}

			expect(Object.keys(outcomes).filter((key) => /^5\d\d$/.test(key))).toEqual([]);
			expect((await fetch(`${n8n.baseUrl}/healthz`)).status).toBe(200);
			await until(`${accepted} executions`, async () =>
				(await triggerExecutions()).length - before >= accepted ? true : undefined,
			60_000);
			await new Promise((done) => setTimeout(done, 1000));
			const executions = (await triggerExecutions()).length - before;
			expect(executions).toBe(accepted);
			figures.fuzzedBodies = SIZES.fuzz;
			figures.fuzzOutcomes = JSON.stringify(outcomes);
			figures.fuzzExecutions = executions;
		},
		600_000,
	);

	step(
		`a burst of ${SIZES.burst} results, ${BURST_CONCURRENCY} at a time, grows n8n's RSS by at most ${BURST_RSS_ALLOWANCE_MB} MB more than the same burst to n8n's Webhook node`,
		async () => {
			const webhookPath = 'reliability-burst-baseline';
			const baselineId = await createWorkflow(
				n8n,
				chain('reliability: Webhook node baseline', [
					node('Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path: webhookPath, responseMode: 'onReceived', options: {} }, { webhookId: randomUUID() }),
				]),
			);
			await activateWorkflow(n8n, baselineId);
			const baselineUrl = `${n8n.baseUrl}/webhook/${webhookPath}`;
			const postToBaseline = async (trackingId: string) => {
				const answer = await fetch(baselineUrl, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(buildResult('analysis', trackingId)) });
				await answer.text();
				return answer.ok;
			};
			const postToTrigger = async (trackingId: string) => (await sandbox.control.deliver('analysis', trackingId, triggerUrl.toString())).delivered;

			/** Posts `count` results, 10 at a time, and waits until n8n has finished an execution for each: n8n's peak RSS growth meanwhile, in MB. */
			const burst = async (workflowId: string, prefix: string, count: number, post: (trackingId: string) => Promise<boolean>) => {
				const finished = async () => (await executionsOf(n8n, workflowId, false)).filter((execution) => execution.status === 'success').length;
				const target = (await finished()) + count;
				const watch = watchPeakRssGrowth(n8n.pid!);
				let next = 0;
				const failed: string[] = [];
				const lane = async () => {
					while (next < count) {
						const trackingId = `${prefix}-${next++}`;
						if (!(await post(trackingId))) failed.push(trackingId);
					}
				};
				try {
					await Promise.all(Array.from({ length: BURST_CONCURRENCY }, lane));
					await until(`${count} finished executions of ${prefix}`, async () => ((await finished()) >= target ? true : undefined), 300_000);
				} finally {
					figures[`${prefix}GrowthMB`] = Math.round(watch.stop() / 1024 / 1024);
				}
				expect(failed).toEqual([]);
				return figures[`${prefix}GrowthMB`] as number;
			};

			// n8n 2.x may answer 404 for a moment after an activation; n8n loads the nodes' code and our credential on first use.
			await until('the Webhook node workflow to answer', async () => ((await postToBaseline('burstReady')) ? true : undefined));
			await burst(baselineId, 'burstWarmUpWebhook', 20, postToBaseline);
			await burst(triggerWorkflowId, 'burstWarmUpTrigger', 20, postToTrigger);
			const webhookGrowth = await burst(baselineId, 'burstWebhook', SIZES.burst, postToBaseline);
			const triggerGrowth = await burst(triggerWorkflowId, 'burstTrigger', SIZES.burst, postToTrigger);
			expect(triggerGrowth).toBeLessThanOrEqual(webhookGrowth + BURST_RSS_ALLOWANCE_MB);
		},
		900_000,
	);

	step(
		`delivers ${SIZES.restartDeliveries} results across an n8n restart, losing none`,
		async () => {
			const trackingIds = Array.from({ length: SIZES.restartDeliveries }, (_, index) => `restart-${index}`);
			const deliveries: Array<Promise<DeliveryRecord>> = [];
			let restarting: Promise<void> | undefined;
			let restarted = false;
			for (const [index, trackingId] of trackingIds.entries()) {
				deliveries.push(sandbox.control.deliver('analysis', trackingId));
				if (index === Math.floor(trackingIds.length / 3)) {
					// Not awaited: deliveries go on while n8n stops and starts again.
					restarting = n8n.restart().then(() => {
						restarted = true;
					});
				}
				// About 20 results a second, slower while n8n restarts, so that deliveries fall into every phase of it.
				await new Promise((done) => setTimeout(done, restarting && !restarted ? 300 : 50));
			}
			await restarting;
			const records = await Promise.all(deliveries);

			const undelivered = records.filter((record) => !record.delivered);
			expect(undelivered.map((record) => record.trackingId)).toEqual([]);
			// What an execution did with its result: ran the workflow with it; ended at the trigger because the
			// result was a repeat (n8n's processed-items store had it); or was stopped by the restart. n8n's
			// recovery marks the last "crashed"; it still holds the result it was started with, and n8n can
			// retry it. Where the event log says the trigger had finished, the recovery puts a placeholder item
			// (`isArtificialRecoveredEventItem`) in the trigger's output, so the result is read from the start data.
			type Outcome = { trackingId: string; kind: 'ran' | 'repeat' | 'crashed'; status: string };
			const outcomeOf = (execution: Execution): Outcome => {
				const emitted = execution.data?.resultData.runData[TRIGGER]?.[0]?.data?.main[0];
				const started = (execution.data as { executionData?: { nodeExecutionStack?: Array<{ data: { main: Array<Array<{ json: Record<string, unknown> }>> } }> } })
					?.executionData?.nodeExecutionStack?.[0]?.data.main[0]?.[0]?.json;
				if (execution.status === 'success' && emitted?.[0]?.json.trackingId !== undefined) {
					return { trackingId: String(emitted[0].json.trackingId), kind: 'ran', status: execution.status };
				}
				const kind = execution.status === 'success' && emitted?.length === 0 ? 'repeat' : 'crashed';
				return { trackingId: String(started?.trackingId ?? ''), kind, status: execution.status };
			};
			let outcomes: Outcome[] = [];
			const count = async () => {
				outcomes = (await triggerExecutions()).map(outcomeOf).filter((outcome) => outcome.trackingId.startsWith('restart-'));
				const held = new Set(outcomes.filter((outcome) => outcome.kind !== 'repeat').map((outcome) => outcome.trackingId));
				const settled = outcomes.every((outcome) => outcome.status !== 'new' && outcome.status !== 'running');
				return held.size === trackingIds.length && settled ? true : undefined;
			};
			await until('a finished execution for every delivered result', count, 120_000).catch(() => undefined);
			const of = (trackingId: string, kind: Outcome['kind']) =>
				outcomes.filter((outcome) => outcome.trackingId === trackingId && outcome.kind === kind).length;

			// While n8n migrates its database at start, it answers every request, webhooks included, with
			// 200 and this text, before any node sees it: OMI takes that for delivered. n8n loses those
			// results, whatever node the workflow starts with (CONTRIBUTING.md, "Reliability and security"; README, "Limitations").
			const answeredByN8nStarting = records.filter((record) => record.lastAnswer === N8N_STARTING_ANSWER);
			figures.restartAnsweredByN8nWhileStarting = answeredByN8nStarting.length;
			// Every other result got the trigger's answer, is held by an execution, and ran the workflow once at most.
			const problems = records.filter((record) => record.lastAnswer !== N8N_STARTING_ANSWER).flatMap(({ trackingId, attempts, lastStatus, lastAnswer }) => {
				if (!lastAnswer?.startsWith('{"received":true')) return [`${trackingId} ${attempts}× ${lastStatus}: answered ${lastAnswer}`];
				const ran = of(trackingId, 'ran');
				if (ran > 1) return [`${trackingId} ran ${ran} times`];
				if (ran === 0 && of(trackingId, 'crashed') === 0) {
					return [`${trackingId} ${attempts}× ${lastStatus}: no execution holds it; repeats that ended at the trigger: ${of(trackingId, 'repeat')}`];
				}
				return [];
			});
			expect(problems).toEqual([]);
			expect(outcomes.filter((outcome) => !['success', 'crashed'].includes(outcome.status))).toEqual([]);
			figures.restartDeliveries = trackingIds.length;
			figures.restartRanOnce = trackingIds.filter((trackingId) => of(trackingId, 'ran') === 1).length;
			figures.restartHeldByCrashedOnly = trackingIds.filter((trackingId) => of(trackingId, 'ran') === 0 && of(trackingId, 'crashed') > 0).length;
			figures.restartRepeatsEndedAtTrigger = outcomes.filter((outcome) => outcome.kind === 'repeat').length;
			figures.restartExecutions = outcomes.length;
			figures.restartRetries = records.reduce((sum, record) => sum + record.attempts - 1, 0);
			// Some deliveries met n8n down and were retried: the restart really was in the middle.
			expect(figures.restartRetries).toBeGreaterThan(0);
		},
		600_000,
	);

	step(
		`the access token expires after every page of a Return All of ${SIZES.expiryLogs / LOGS_PER_PAGE} pages, and during a run of ${SIZES.expiryUploads} uploads: nothing fails, no page is fetched twice, no item is skipped`,
		async () => {
			const issuedBefore = sandbox.control.stats().tokensIssued;
			// By time: the sandbox's request log is capped, so an index taken before can point past its end.
			const since = Date.now();
			expireTokensAfterEachPage = true;
			const recordings = Array.from({ length: SIZES.expiryUploads }, (_, index) => ({
				url: `${sandbox.url}/recordings/expiry-${index}.wav?seconds=1`,
				trackingId: `expiry-${index}`,
			}));
			let logs: Array<Record<string, unknown>>;
			let transcribed: Array<Record<string, unknown>>;
			try {
				logs = await runWebhookWorkflow(n8n, TOKEN_EXPIRY_PATHS.logsReturnAll, { refUuid: 'expiry-session' });
				transcribed = await runWebhookWorkflow(n8n, TOKEN_EXPIRY_PATHS.transcribeMany, { recordings });
			} finally {
				expireTokensAfterEachPage = false;
			}

			const requests = sandbox.control.requests().filter((request) => request.at >= since);
			const pages = requests.filter((request) => request.path === LOGS_PATH);
			const pagesServed = pages.filter((request) => request.status === 200).map((request) => Number(request.query.page));
			expect(pagesServed).toEqual(Array.from({ length: SIZES.expiryLogs / LOGS_PER_PAGE }, (_, index) => index + 1));
			expect(new Set(logs.map((log) => log._id)).size).toBe(SIZES.expiryLogs);

			expect(transcribed.map((item) => item.trackingId)).toEqual(recordings.map((recording) => recording.trackingId));
			const uploads = sandbox.control.uploads().filter((upload) => upload.trackingId.startsWith('expiry-'));
			expect(uploads.map((upload) => upload.trackingId).sort()).toEqual(recordings.map((recording) => recording.trackingId).sort());

			// The token really did expire in the middle of Return All. OMI's AI endpoints take the API key
			// alone (docs/omi-api.md), so the uploads go on untouched by it.
			const refused = (path: string) => requests.filter((request) => request.path === path && request.status === 401).length;
			expect(refused(LOGS_PATH)).toBeGreaterThan(0);
			expect(refused('/api/ai/speech_to_text')).toBe(0);
			figures.expiryTokensIssued = sandbox.control.stats().tokensIssued - issuedBefore;
			figures.expiryRefusedPages = refused(LOGS_PATH);
			figures.expiryUploads = uploads.length;
		},
		600_000,
	);

	step(
		`every operation, under a 5xx, malformed JSON and a reset connection (and the uploads under a slow answer): Continue On Fail gives an error item that names the item and the cause, Retry On Fail recovers`,
		async () => {
			const faults = [
				// OMI's 503 can arrive while a file is still being sent, and then surfaces as the closed connection.
				{ name: 'HTTP 503', fault: { type: 'http', status: 503 } as const, cause: /Service Unavailable|503|connection was closed/ },
				{ name: 'malformed JSON', fault: { type: 'malformed-json' } as const, cause: /not valid JSON/ },
				{ name: 'reset connection', fault: { type: 'drop' } as const, cause: /connection was closed|socket hang up/ },
				{ name: 'slow answer', fault: { type: 'latency', ms: (UPLOAD_TIMEOUT_SECONDS + 1) * 1000 } as const, cause: /time/i, uploadsOnly: true },
			];
			const start = OPERATIONS.find((operation) => operation.name === 'Start Campaign')!;
			const context = (run: string) => ({ sandboxUrl: sandbox.url, run, autocallId });
			let autocallId = '';
			[{ autocall_id: autocallId }] = await runWebhookWorkflow(n8n, faultPath(start, 'retry'), start.body(context('matrix-session')));
			const workflows = (await n8n.api<{ data: Array<{ id: string; name: string }> }>('GET', '/workflows?limit=250')).body.data;
			const mismatches: string[] = [];
			let cases = 0;
			for (const operation of OPERATIONS) {
				const continuing = workflows.find((workflow) => workflow.name === `e2e: ${operation.name}, continuing on failure`)!;
				for (const { name, fault, cause, uploadsOnly } of faults) {
					const isUpload = operation.parameters.resource === 'recording';
					// Only the uploads have a timeout to set; the other operations wait up to 60 s for OMI.
					if (uploadsOnly && !isUpload) continue;
					const label = `${operation.name} / ${name}`;
					cases++;
					sandbox.control.clearFaults();
					sandbox.control.addFault({ path: operation.endpoint, times: 100, fault });
					const [failed] = await runWebhookWorkflow(n8n, faultPath(operation, 'continue'), operation.body(context(`matrix-c-${cases}`)));
					if (!cause.test(String(failed?.error)) || !String(failed?.error).includes('[item 0]')) mismatches.push(`${label}: error item ${JSON.stringify(failed)}`);
					const [latest] = await executionsOf(n8n, continuing.id);
					const items = latest.data?.resultData.runData[operation.name]?.[0]?.data?.main[0] as unknown as Array<{ pairedItem?: unknown }>;
					// A campaign session's item stands for all its contacts, so its pairedItem is a list.
					if (JSON.stringify(items?.flatMap((entry) => [entry.pairedItem].flat())) !== JSON.stringify([{ item: 0 }])) {
						mismatches.push(`${label}: pairedItem ${JSON.stringify(items)}`);
					}

					sandbox.control.clearFaults();
					sandbox.control.addFault({ path: operation.endpoint, times: 1, fault });
					const run = `matrix-r-${cases}`;
					const recovered = await runWebhookWorkflow(n8n, faultPath(operation, 'retry'), operation.body(context(run))).catch((error: Error) => [{ error: error.message }]);
					if (recovered.some((item) => item.error !== undefined)) mismatches.push(`${label}: Retry On Fail did not recover: ${JSON.stringify(recovered)}`);
					if (isUpload) {
						// The sandbox records an upload only once it has read the whole file: the retry's, and for a slow
						// answer also the first attempt's, which OMI received but answered too late.
						const served = createHash('sha256').update(Buffer.from(await (await fetch(`${sandbox.url}/recordings/${run}.wav?seconds=1`)).arrayBuffer())).digest('hex');
						const uploads = sandbox.control.uploads().filter((entry) => entry.trackingId === run);
						const expected = name === 'slow answer' ? [1, 2] : [1];
						if (!expected.includes(uploads.length) || uploads.some((entry) => entry.sha256 !== served)) {
							mismatches.push(`${label}: retried upload ${JSON.stringify(uploads)}`);
						}
					}
				}
			}
			sandbox.control.clearFaults();
			expect(mismatches).toEqual([]);
			figures.faultCases = cases;

			// Register Webhook gave OMI another URL: the trigger registers its own again when it is activated.
			expect((await n8n.api('POST', `/workflows/${triggerWorkflowId}/deactivate`)).status).toBe(200);
			await activateWorkflow(n8n, triggerWorkflowId);
			await until('the trigger to register again', () => (sandbox.control.webhook().current === triggerUrl.toString() ? true : undefined));
		},
		600_000,
	);

	step('leaks no secret: not in executions, errors or n8n\'s log, and to OMI only where OMI needs it', async () => {
		// Every action workflow once, and one that fails, so that an error message is searched too.
		const recording = join(files, 'secret-check.wav');
		writeFileSync(recording, Buffer.from(await (await fetch(`${sandbox.url}/recordings/x.wav?seconds=1`)).arrayBuffer()));
		await runWebhookWorkflow(n8n, ACTION_PATHS.transcribeFromDisk, { path: recording, trackingId: 'secret-1' });
		await runWebhookWorkflow(n8n, ACTION_PATHS.scripts, {});
		await runWebhookWorkflow(n8n, ACTION_PATHS.campaign, { contacts: [{ phone: '0912345678', name: 'An', debt: '1' }] });
		await runWebhookWorkflow(n8n, ACTION_PATHS.alovoice, { callId: 'call-1001' });
		sandbox.control.addFault({ path: '/api/ai/call_analyze', fault: { type: 'envelope-error', message: 'api_key_invalid' } });
		await expect(
			runWebhookWorkflow(n8n, ACTION_PATHS.analyzeFromUrl, { url: `${sandbox.url}/recordings/y.wav`, trackingId: 'secret-2' }),
		).rejects.toThrow(/HTTP 500/);

		const secrets = { apiKey: API_KEY, alovoiceToken: ALOVOICE_TOKEN, triggerToken: token() };
		const workflows = await n8n.api<{ data: Array<{ id: string }> }>('GET', '/workflows?limit=100');
		let searched = 0;
		const found: string[] = [];
		for (const { id } of workflows.body.data) {
			for (const execution of await executionsOf(n8n, id)) {
				searched++;
				const text = JSON.stringify(execution);
				for (const [name, secret] of Object.entries(secrets)) if (text.includes(secret)) found.push(`${name} in execution ${execution.id}`);
			}
		}
		const log = n8n.logTail(20_000);
		for (const [name, secret] of Object.entries(secrets)) if (log.includes(secret)) found.push(`${name} in n8n's log`);
		for (const request of sandbox.control.requests()) {
			const where = (location: string) => `${name(request)} ${location}`;
			const name = (entry: typeof request) => `${entry.method} ${entry.path}`;
			for (const [header, value] of Object.entries(request.headers)) {
				if (!value.includes(API_KEY)) continue;
				const needed =
					(header === 'apikey' && request.path.startsWith('/api/ai/')) ||
					(header === 'x-api-key' && request.path.startsWith('/api/call_bot/'));
				if (!needed) found.push(`apiKey in header ${header} of ${where('')}`);
			}
			for (const [parameter, value] of Object.entries(request.query)) {
				if (value.includes(API_KEY) && !(parameter === 'apiKey' && request.path === '/api/auth')) found.push(`apiKey in query ${parameter} of ${where('')}`);
				if (value.includes(ALOVOICE_TOKEN)) found.push(`alovoiceToken in query ${parameter} of ${where('')}`);
			}
			if (request.path.includes(ALOVOICE_TOKEN) && !/^\/callsendai\/|^\/callgetairesult\//.test(request.path)) found.push(`alovoiceToken in ${where('path')}`);
			if (request.path.includes(API_KEY)) found.push(`apiKey in ${where('path')}`);
		}

		expect(searched).toBeGreaterThan(0);
		expect(found).toEqual([]);
		figures.executionsSearched = searched;
		figures.sandboxRequestsSearched = sandbox.control.requests().length;
		figures.secretsFound = found.length;
	});
});
