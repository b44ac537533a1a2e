/**
 * The package in n8n 2.x queue mode: Redis, PostgreSQL, one main process, two
 * workers and a webhook processor (e2e/harness/queueMode.ts). OMI's results
 * arrive through the webhook processor and run on the workers, each exactly
 * once; Transcribe runs spread over both workers; a worker killed mid-run
 * fails only the executions it held, and the figures say how many results
 * that lost. `npm run test:reliability` runs the CI sizes;
 * RELIABILITY_FULL=1 the full ones (1,000 results, 200 recordings).
 */

import { createHash } from 'node:crypto';

import { pool } from '../../bench/lib/measure';
import { type DeliveryRecord, type Sandbox, startSandbox } from '../../sandbox/server';
import { type QueueModeN8n, startQueueMode } from '../harness/queueMode';
import {
	activateWorkflow,
	type Execution,
	createSandboxCredentials,
	createWorkflow,
	executionsOf,
	outputOf,
	packedTarballs,
	runWebhookWorkflow,
	stepsWithDiagnostics,
	until,
} from '../harness/suite';
import { type Credentials, QUEUE_PATHS, transcribeUrlsWorkflow, triggerOnly } from '../harness/workflows';

const FULL = process.env.RELIABILITY_FULL === '1';
const SIZES = { results: FULL ? 1000 : 200, recordings: FULL ? 200 : 60, killDeliveries: FULL ? 300 : 120 };
/** Deliveries in flight at a time, as OMI's dispatcher might send them. */
const DELIVERY_WIDTH = 10;
/** Recordings per Transcribe execution: one execution runs on one worker, so spreading needs several. */
const RECORDINGS_PER_EXECUTION = 10;
const WORKER_CONCURRENCY = 10;

const TRIGGER = 'OMI AI Trigger';
/** n8n's error for an execution whose job stalled: its worker stopped renewing the job's lock. */
const STALLED = /failed to be processed too many times/;

const figures: Record<string, number | string> = {};

describe('queue mode: main, two workers and a webhook processor (n8n 2.x)', () => {
	let queue: QueueModeN8n;
	let sandbox: Sandbox;
	let credentials: Credentials;
	let triggerWorkflowId: string;
	let transcribeWorkflowId: string;
	/** Results of the kill step that no execution emitted. */
	let lostResults: string[] = [];
	const sandboxLog: string[] = [];

	const step = stepsWithDiagnostics(() => queue, sandboxLog);

	beforeAll(async () => {
		sandbox = await startSandbox({
			port: 0,
			resultDelayMs: 200,
			webhookRetryMs: 250,
			webhookMaxAttempts: 400,
			log: (line) => sandboxLog.push(line),
		});
		queue = await startQueueMode({ tarballs: packedTarballs(), workerConcurrency: WORKER_CONCURRENCY });
		credentials = await createSandboxCredentials(queue.main, sandbox);
		triggerWorkflowId = await createWorkflow(queue.main, triggerOnly('queue mode: analyses', ['callAnalysisCompleted'], credentials));
		await activateWorkflow(queue.main, triggerWorkflowId);
		transcribeWorkflowId = await createWorkflow(queue.main, transcribeUrlsWorkflow('queue mode: transcribe recording URLs', QUEUE_PATHS.transcribeUrls, credentials));
		await activateWorkflow(queue.main, transcribeWorkflowId);
	}, 300_000);

	afterAll(async () => {
		console.log(`queue mode figures (${FULL ? 'full' : 'CI'} sizes): ${JSON.stringify(figures)}`);
		await queue?.stop();
		await sandbox?.close();
	});

	/** Which worker started each execution, from the workers' logs ("Worker started execution <id>"); n8n stores no worker id. */
	function startsByWorker(): { workerOf: Map<string, number>; startedTwice: string[] } {
		const workerOf = new Map<string, number>();
		const startedTwice: string[] = [];
		for (const index of [0, 1]) {
			for (const id of queue.executionsOn(index).started) {
				if (workerOf.has(id)) startedTwice.push(`execution ${id} on worker ${workerOf.get(id)} and worker ${index}`);
				workerOf.set(id, index);
			}
		}
		return { workerOf, startedTwice };
	}

	const perWorker = (ids: string[], workerOf: Map<string, number>) => [0, 1].map((index) => ids.filter((id) => workerOf.get(id) === index).length);

	/**
	 * The tracking id of the result an execution emitted or, for one that did not run to its end, of
	 * the item waiting in its start data, where n8n kept it. '' for a finished execution that emitted
	 * nothing: the trigger's execute() found the result already recorded, a repeat.
	 */
	function trackingIdOf(execution: Execution): string {
		const started = (execution.data as { executionData?: { nodeExecutionStack?: Array<{ data: { main: Array<Array<{ json: { trackingId?: string } }>> } }> } })
			?.executionData?.nodeExecutionStack?.[0]?.data.main[0]?.[0]?.json;
		return String(outputOf(execution, TRIGGER)[0]?.trackingId ?? started?.trackingId ?? '');
	}

	/**
	 * The executions of results whose tracking id starts with `prefix`, by tracking id, and the
	 * failed ones that carry no tracking id (a successful one without is a recognised repeat).
	 */
	function byTrackingId(executions: Execution[], prefix: string) {
		const runs = new Map<string, Execution[]>();
		const unidentified: string[] = [];
		for (const execution of executions) {
			const trackingId = trackingIdOf(execution);
			if (trackingId !== '' && trackingId.startsWith(prefix)) runs.set(trackingId, [...(runs.get(trackingId) ?? []), execution]);
			else if (trackingId === '' && execution.status !== 'success') {
				unidentified.push(`execution ${execution.id} (${execution.status}) holds no tracking id: ${JSON.stringify(execution.data).slice(0, 800)}`);
			}
		}
		/** Successful executions that emitted the result: exactly one per result is the goal. */
		const emitted = (trackingId: string) => (runs.get(trackingId) ?? []).filter((execution) => execution.status === 'success').length;
		return { runs, unidentified, emitted };
	}

	/** Waits until no execution of the workflow is queued or running and `done` holds, then returns them all with their data. */
	async function settledExecutions(
		workflowId: string,
		done: (executions: Execution[]) => boolean | Promise<boolean>,
		timeoutMs: number,
	): Promise<Execution[]> {
		await until(
			'the executions to finish',
			async () => {
				const light = await executionsOf(queue.main, workflowId, false);
				return light.every((execution) => execution.status !== 'new' && execution.status !== 'running') && (await done(light)) ? true : undefined;
			},
			timeoutMs,
		);
		return await executionsOf(queue.main, workflowId);
	}

	async function executionWithData(id: string): Promise<Execution> {
		const answer = await queue.main.api<Execution>('GET', `/executions/${id}?includeData=true`);
		if (answer.status !== 200) throw new Error(`GET /executions/${id}: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
		return answer.body;
	}

	/** Delivers an analysis result for each tracking id, DELIVERY_WIDTH at a time, through whatever URL the trigger registered. */
	async function deliverAll(trackingIds: string[]): Promise<DeliveryRecord[]> {
		const records: DeliveryRecord[] = [];
		await pool(trackingIds.length, DELIVERY_WIDTH, async (index) => {
			records[index] = await sandbox.control.deliver('analysis', trackingIds[index]);
		});
		return records;
	}

	step('the trigger registers the webhook processor\'s URL, and the main process takes no production webhook', async () => {
		const registered = new URL(await until('the trigger to register', () => sandbox.control.webhook().current ?? undefined));
		expect(registered.origin).toBe(queue.webhookBaseUrl);
		expect(registered.pathname).toMatch(/^\/webhook\//);
		expect(sandbox.control.webhook().history).toHaveLength(1);

		const atMain = await fetch(`${queue.main.baseUrl}${registered.pathname}${registered.search}`, { method: 'POST', body: '{}' });
		expect(atMain.status).toBe(404);
		// The node's own refusal: the webhook processor loaded our package and runs the trigger's webhook().
		const wrongToken = new URL(registered);
		wrongToken.searchParams.set('token', 'x'.repeat(43));
		const refused = await fetch(wrongToken, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
		expect({ status: refused.status, body: await refused.json() }).toEqual({ status: 401, body: { message: 'Unauthorized' } });
	});

	step(
		`${SIZES.results} results through the webhook processor: each executed exactly once, on both workers`,
		async () => {
			const trackingIds = Array.from({ length: SIZES.results }, (_, index) => `queue-result-${index}`);
			const started = Date.now();
			const records = await deliverAll(trackingIds);
			expect(records.filter((record) => !record.delivered).map((record) => `${record.trackingId}: ${record.lastStatus ?? record.lastError}`)).toEqual([]);

			const executions = await settledExecutions(triggerWorkflowId, (all) => all.length >= trackingIds.length, 300_000);
			figures.resultsSeconds = Math.round((Date.now() - started) / 100) / 10;
			const { runs } = byTrackingId(executions, 'queue-result-');
			const runsOf = (id: string) => (runs.get(id) ?? []).map((execution) => `${execution.id} ${execution.status}`);
			expect(trackingIds.filter((id) => runsOf(id).join() !== `${runs.get(id)?.[0].id} success`).map((id) => `${id}: [${runsOf(id).join(', ')}]`)).toEqual([]);
			expect(executions).toHaveLength(trackingIds.length);

			const { workerOf, startedTwice } = startsByWorker();
			const ids = executions.map((execution) => execution.id);
			expect(startedTwice).toEqual([]);
			expect(ids.filter((id) => !workerOf.has(id))).toEqual([]);
			const shares = perWorker(ids, workerOf);
			// Both workers pull from one queue: each must have taken a real share, not a stray job or two.
			expect(Math.min(...shares)).toBeGreaterThanOrEqual(trackingIds.length / 10);
			figures.results = trackingIds.length;
			figures.resultsPerWorker = shares.join('/');
			figures.resultsRetried = records.filter((record) => record.attempts > 1).length;
		},
		600_000,
	);

	step(
		`Transcribe of ${SIZES.recordings} recording URLs in executions of ${RECORDINGS_PER_EXECUTION}, spread over both workers; every upload arrives once and byte-exact`,
		async () => {
			// Lengths of 1 to 7 seconds, so that a swapped or cut file shows in its size.
			const secondsOf = (index: number) => 1 + (index % 7);
			const recordings = Array.from({ length: SIZES.recordings }, (_, index) => ({
				url: `${sandbox.url}/recordings/queue-${index}.wav?seconds=${secondsOf(index)}`,
				trackingId: `queue-transcribe-${index}`,
			}));
			const batches = Array.from({ length: Math.ceil(recordings.length / RECORDINGS_PER_EXECUTION) }, (_, index) =>
				recordings.slice(index * RECORDINGS_PER_EXECUTION, (index + 1) * RECORDINGS_PER_EXECUTION),
			);
			const started = Date.now();
			const outputs = await Promise.all(
				batches.map((batch) => runWebhookWorkflow({ baseUrl: queue.webhookBaseUrl }, QUEUE_PATHS.transcribeUrls, { recordings: batch })),
			);
			figures.transcribeSeconds = Math.round((Date.now() - started) / 100) / 10;

			// The sandbox serves the same bytes for the same length, whatever the file's name.
			const served = new Map<number, Buffer>();
			for (let seconds = 1; seconds <= 7; seconds++) {
				served.set(seconds, Buffer.from(await (await fetch(`${sandbox.url}/recordings/reference.wav?seconds=${seconds}`)).arrayBuffer()));
			}
			const expected = recordings.map(({ trackingId }, index) => {
				const bytes = served.get(secondsOf(index)) as Buffer;
				return { trackingId, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
			});
			expect(outputs.flat().map((item) => ({ trackingId: item.trackingId, fileSize: item.fileSize }))).toEqual(
				expected.map(({ trackingId, size }) => ({ trackingId, fileSize: size })),
			);
			const uploads = sandbox.control
				.uploads()
				.filter((upload) => upload.trackingId.startsWith('queue-transcribe-'))
				.map(({ trackingId, size, sha256 }) => ({ trackingId, size, sha256 }));
			expect(uploads.sort((a, b) => a.trackingId.localeCompare(b.trackingId))).toEqual(
				[...expected].sort((a, b) => a.trackingId.localeCompare(b.trackingId)),
			);

			const executions = await executionsOf(queue.main, transcribeWorkflowId, false);
			expect(executions.map((execution) => execution.status)).toEqual(batches.map(() => 'success'));
			const { workerOf } = startsByWorker();
			const shares = perWorker(
				executions.map((execution) => execution.id),
				workerOf,
			);
			expect(shares.reduce((sum, count) => sum + count, 0)).toBe(batches.length);
			expect(Math.min(...shares)).toBeGreaterThan(0);
			figures.recordings = recordings.length;
			figures.transcribeExecutionsPerWorker = shares.join('/');
			figures.uploadedBytes = uploads.reduce((sum, upload) => sum + upload.size, 0);
		},
		600_000,
	);

	step(
		`a worker killed (SIGKILL) while ${SIZES.killDeliveries} results arrive: only what it held fails, the other worker runs the rest, none twice`,
		async () => {
			const trackingIds = Array.from({ length: SIZES.killDeliveries }, (_, index) => `queue-kill-${index}`);
			const earlier = new Set((await executionsOf(queue.main, triggerWorkflowId, false)).map(({ id }) => id));
			const before = new Set(queue.executionsOn(0).started);
			const delivering = deliverAll(trackingIds);
			// Killed while it runs one of these results, once it has finished some, with most still to come.
			const inFlight = await until(
				'worker 0 to be running a result of this step',
				() => {
					const { started, finished } = queue.executionsOn(0);
					const running = started.filter((id) => !before.has(id) && !finished.includes(id));
					return started.length - before.size >= DELIVERY_WIDTH && running.length > 0 ? running : undefined;
				},
				120_000,
			);
			const killedWorkerPid = queue.workerPids()[0];
			await queue.killWorker(0);
			const startedBeforeKill = queue.executionsOn(0).started.length - before.size;
			const records = await delivering;

			expect(killedWorkerPid).toBeDefined();
			expect(queue.workerPids()).toEqual([undefined, expect.any(Number)]);
			expect(records.filter((record) => !record.delivered).map((record) => `${record.trackingId}: ${record.lastStatus ?? record.lastError}`)).toEqual([]);

			// The killed worker's jobs stall once their lock runs out, and n8n fails them (maxStalledCount 0). The process that
			// enqueued a job, the webhook processor, then rewrites its execution as an error, "failed to be processed too many
			// times", without the item it was started with. (With the harness's queue recovery every 15 s, runs of 2026-12-06
			// also had executions that the recovery had marked crashed, `230 crashed queue-kill-22`; e2e/harness/queueMode.ts
			// says why it now keeps n8n's interval.)
			const heldByKilledWorker = (execution: Execution) => STALLED.test(JSON.stringify((execution.data?.resultData as { error?: unknown } | undefined)?.error ?? {}));
			const all = await settledExecutions(
				triggerWorkflowId,
				async (all) => {
					if (all.length < earlier.size + trackingIds.length) return false;
					const failed = await Promise.all(all.filter(({ status }) => status !== 'success').map(({ id }) => executionWithData(id)));
					return failed.every(heldByKilledWorker);
				},
				300_000,
			);
			const executions = all.filter(({ id }) => !earlier.has(id));
			const found = byTrackingId(executions, 'queue-kill-');
			const failedWithWorker = executions.filter(heldByKilledWorker);
			const dropped = failedWithWorker.filter((execution) => trackingIdOf(execution) === '');
			const { workerOf, startedTwice } = startsByWorker();
			expect(startedTwice).toEqual([]);
			expect(found.unidentified.filter((entry) => !dropped.some(({ id }) => entry.startsWith(`execution ${id} `)))).toEqual([]);
			// Only what the killed worker held can have failed: none ran on the other worker, at most its concurrency.
			expect(failedWithWorker.filter(({ id }) => workerOf.get(id) === 1).map(({ id }) => id)).toEqual([]);
			expect(failedWithWorker.length).toBeLessThanOrEqual(WORKER_CONCURRENCY);
			expect(trackingIds.filter((id) => found.emitted(id) > 1).map((id) => `${id}: ${found.emitted(id)} successful executions`)).toEqual([]);
			// What is missing is exactly what n8n dropped from the stalled executions: OMI had its 200 and does not resend it.
			lostResults = trackingIds.filter((id) => found.emitted(id) === 0);
			expect(lostResults).toHaveLength(failedWithWorker.length);
			expect(lostResults).toEqual(expect.arrayContaining(failedWithWorker.map(trackingIdOf).filter((id) => id !== '')));
			// A result OMI did not have to send twice started one execution.
			const retriedDeliveries = records.filter((record) => record.attempts > 1).length;
			expect(executions.length - trackingIds.length).toBeLessThanOrEqual(retriedDeliveries);
			figures.killDeliveries = trackingIds.length;
			figures.killStartedOnKilledWorkerBeforeKill = startedBeforeKill;
			figures.killInFlightOnKilledWorker = inFlight.length;
			figures.killExecutionsFailedWithWorker = failedWithWorker.map((execution) => `${execution.id} ${execution.status} ${trackingIdOf(execution) || 'item dropped'}`).join(', ');
			figures.killLostResults = lostResults.length;
			figures.killRetriedDeliveries = retriedDeliveries;
			figures.killExecutionsPerWorker = perWorker(
				executions.map(({ id }) => id),
				workerOf,
			).join('/');
		},
		600_000,
	);

	/**
	 * Known gap, measured rather than asserted: the trigger's list of recorded results is one value
	 * per trigger node that each execution reads, extends and writes back. Executions running at the
	 * same time on two workers overwrite each other's additions, so some results are forgotten, and a
	 * repeat of a forgotten result is emitted again.
	 */
	step('a result OMI sends again starts at most one more run, and the figures say how many were emitted again', async () => {
		const finished = Array.from({ length: SIZES.killDeliveries }, (_, index) => `queue-kill-${index}`).filter(
			(id, index) => index % 4 === 0 && !lostResults.includes(id),
		);
		const before = new Set((await executionsOf(queue.main, triggerWorkflowId, false)).map(({ id }) => id));
		const records = await deliverAll([...finished, ...lostResults]);
		expect(records.filter((record) => !record.delivered).map((record) => `${record.trackingId}: ${record.lastStatus ?? record.lastError}`)).toEqual([]);

		// n8n answered each delivery after storing the execution it started, if any: settled now is settled for good.
		const executions = await settledExecutions(triggerWorkflowId, () => true, 120_000);
		const found = byTrackingId(executions, 'queue-kill-');
		expect(finished.filter((id) => found.emitted(id) < 1 || found.emitted(id) > 2).map((id) => `${id}: ${found.emitted(id)}`)).toEqual([]);
		expect(lostResults.filter((id) => found.emitted(id) > 1).map((id) => `${id}: ${found.emitted(id)}`)).toEqual([]);
		const started = executions.filter(({ id }) => !before.has(id));
		expect(started.map(({ id, status }) => `${id} ${status}`)).toEqual(started.map(({ id }) => `${id} success`));
		figures.repeatedDeliveries = finished.length;
		figures.repeatsEmittedAgain = finished.filter((id) => found.emitted(id) === 2).length;
		figures.repeatsSkippedByWebhook = finished.length + lostResults.length - started.length;
		figures.lostResultsRecoveredByResending = `${lostResults.filter((id) => found.emitted(id) === 1).length}/${lostResults.length}`;
	});
});
