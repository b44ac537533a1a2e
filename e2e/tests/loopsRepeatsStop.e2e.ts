/**
 * What only a real n8n shows about campaigns in loops, repeats and Stop:
 * a campaign per Loop Over Items batch (also when Retry On Fail repeats a
 * batch), repeats of a result sent right after its first 200 while the CPU
 * is busy, and Stop in the middle of an upload and of an Alovoice wait. Runs
 * on every version in E2E_N8N_VERSIONS (default "2,1"), at CI sizes.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';

import { buildResult } from '../../sandbox/generate';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import type { N8nVersion } from '../harness/n8nServer';
import { type SharedN8n, sharedN8n } from '../harness/sharedN8n';
import {
	activateWorkflow,
	createSandboxCredentials,
	createWorkflow,
	executionsOf,
	packedTarballs,
	stepsWithDiagnostics,
	until,
} from '../harness/suite';
import { type Credentials, type WorkflowJson, chain, node, omi, startCampaign, triggerOnly } from '../harness/workflows';

const VERSIONS = (process.env.E2E_N8N_VERSIONS ?? '2,1').split(',').map((v) => v.trim()) as N8nVersion[];
const EXECUTE_PATH = '/api/call_bot/execute_by_phone';
/** Results each sent once and then twice more at once, right after the first 200. */
const REPEATED_RESULTS = 20;
/** The sandbox's longest recording: 3,600 s of 8 kHz 16-bit audio, 57.6 MB. */
const LONG_RECORDING_SECONDS = 3600;

/** A Webhook node that answers at once, so that the test can follow (and stop) the execution. */
const webhookAnsweringAtOnce = (path: string) =>
	node('Webhook', 'n8n-nodes-base.webhook', 2, { httpMethod: 'POST', path, responseMode: 'onReceived', options: {} }, { webhookId: randomUUID() });

/** Body: { contacts: [{ phone, name }] }. Loop Over Items in batches of 2, a campaign per batch, Retry On Fail on. */
function campaignPerBatch(path: string, credentials: Credentials): WorkflowJson {
	const start = startCampaign(credentials);
	Object.assign(start, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 });
	const workflow = chain('e2e: a campaign per Loop Over Items batch', [
		webhookAnsweringAtOnce(path),
		node('Contacts', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.contacts', options: {} }),
		node('Loop Over Items', 'n8n-nodes-base.splitInBatches', 3, { batchSize: 2, options: {} }),
		start,
	]);
	workflow.connections['Loop Over Items'] = { main: [[], [{ node: 'Start Campaign', type: 'main', index: 0 }]] };
	workflow.connections['Start Campaign'] = { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] };
	return workflow;
}

/** Body: { url }. Transcribe the recording behind the URL. */
const transcribeUrl = (path: string, credentials: Credentials) =>
	chain('e2e: transcribe a long recording', [
		webhookAnsweringAtOnce(path),
		omi(
			'Transcribe',
			{ resource: 'recording', operation: 'transcribe', source: 'url', recordingUrl: '={{ $json.body.url }}', trackingId: 'stop-upload', options: {} },
			credentials,
		),
	]);

/** Body: { callId }. Analyze and Wait, asking every 3 s. */
const alovoiceWait = (path: string, credentials: Credentials) =>
	chain('e2e: Alovoice wait', [
		webhookAnsweringAtOnce(path),
		node(
			'Alovoice',
			'n8n-nodes-alovoice.alovoice',
			1,
			{ resource: 'callAnalysis', operation: 'analyzeAndWait', callId: '={{ $json.body.callId }}', waitOptions: { pollIntervalSeconds: 3, backoffFactor: 1, maxWaitSeconds: 600 } },
			{ credentials: { alovoiceApi: credentials.alovoice } },
		),
	]);

/** Busy loops on every core, for as long as a step needs n8n to be slow. */
function loadTheCpu(): () => void {
	const burners: ChildProcess[] = [0, 1].map(() => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }));
	return () => burners.forEach((burner) => burner.kill('SIGKILL'));
}

describe.each(VERSIONS)('n8n %s.x', (version) => {
	let n8n: SharedN8n;
	let sandbox: Sandbox;
	let credentials: Credentials;
	const sandboxLog: string[] = [];
	const step = stepsWithDiagnostics(() => n8n, sandboxLog);
	const post = async (url: string, body: unknown) => {
		const response = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		return { status: response.status, body: (await response.json()) as unknown };
	};

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, resultDelayMs: 60_000, webhookMaxAttempts: 1, log: (line) => sandboxLog.push(line) });
		n8n = await sharedN8n(version, packedTarballs);
		credentials = await createSandboxCredentials(n8n, sandbox);
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
	});

	/** Starts an active workflow through its webhook and gives the execution it started, once it runs. */
	async function startRunning(workflow: WorkflowJson, path: string, body: unknown) {
		const id = await createWorkflow(n8n, workflow);
		await activateWorkflow(n8n, id);
		await until(`POST /webhook/${path} to start the workflow`, async () =>
			(await post(`${n8n.baseUrl}/webhook/${path}`, body)).status === 200 ? true : undefined,
		);
		const running = await until('the execution to run', async () => {
			// n8n's public API lists running executions only when asked for them.
			const listed = await n8n.api<{ data: Array<{ id: string }> }>('GET', `/executions?workflowId=${id}&status=running`);
			return listed.body.data?.[0];
		});
		return running.id;
	}

	/** Presses Stop as the editor does, and gives how long the execution took to end. */
	async function stopAndTime(executionId: string): Promise<{ tookMs: number; status: string }> {
		const stoppedAt = Date.now();
		const stopped = await n8n.rest('POST', `/rest/executions/${executionId}/stop`);
		expect(stopped.status).toBe(200);
		const ended = await until(
			'the stopped execution to end',
			async () => {
				const execution = await n8n.api<{ status: string }>('GET', `/executions/${executionId}`);
				return execution.status === 200 && execution.body.status !== 'running' ? execution.body : undefined;
			},
			20_000,
		);
		return { tookMs: Date.now() - stoppedAt, status: ended.status };
	}

	step("the credentials' Test button reaches the host a node reaches, from a base URL with a stray space", async () => {
		const baseUrl = ` ${sandbox.url}/ `;
		const cases = [
			{ type: 'omiCallApi', data: { apiKey: sandbox.apiKey, environment: 'custom', baseUrl, aiBaseUrl: baseUrl } },
			{ type: 'alovoiceApi', data: { token: sandbox.alovoiceToken, baseUrl } },
		];
		for (const { type, data } of cases) {
			const name = `e2e: ${type} with a stray space`;
			const { id } = await n8n.createCredential(name, type, data);
			const tested = await n8n.rest<{ data?: { status: string; message: string } }>('POST', '/rest/credentials/test', {
				credentials: { id, name, type, data },
			});
			expect(`${type}: ${tested.status} ${JSON.stringify(tested.body?.data)}`).toBe(
				`${type}: 200 ${JSON.stringify({ status: 'OK', message: 'Connection successful!' })}`,
			);
		}
	});

	step('starts a campaign per Loop Over Items batch, and Retry On Fail after a reset starts the batch once', async () => {
		const path = 'e2e-campaign-per-batch';
		const id = await createWorkflow(n8n, campaignPerBatch(path, credentials));
		await activateWorkflow(n8n, id);
		const contacts = Array.from({ length: 6 }, (_, index) => ({ phone: `091200000${index + 1}`, name: `Khách ${index + 1}` }));
		const phonesPerSession = () =>
			sandbox.control.sessions().map((session) => (session.body.contact_info as Array<{ phone: string }>).map((contact) => contact.phone));
		const batches = [contacts.slice(0, 2), contacts.slice(2, 4), contacts.slice(4)].map((batch) => batch.map((contact) => contact.phone));

		for (const [run, prepare] of [
			['plain', () => undefined],
			// The connection is reset during the first batch's first attempt: OMI records nothing, n8n retries.
			['reset', () => sandbox.control.addFault({ path: EXECUTE_PATH, times: 1, fault: { type: 'drop' } })],
		] as const) {
			sandbox.control.reset();
			prepare();
			const before = (await executionsOf(n8n, id, false)).length;
			// n8n 2.x can answer 404 for a moment after activation.
			await until(`POST /webhook/${path} to start the ${run} run`, async () =>
				(await post(`${n8n.baseUrl}/webhook/${path}`, { contacts })).status === 200 ? true : undefined,
			);
			const [execution] = await until(`the ${run} run to finish`, async () => {
				const all = await executionsOf(n8n, id, false);
				return all.length > before && all.every((entry) => entry.status !== 'running' && entry.status !== 'new') ? all : undefined;
			}, 60_000);

			expect(`${run}: ${execution.status}`).toBe(`${run}: success`);
			expect(phonesPerSession()).toEqual(batches);
			const ids = sandbox.control.sessions().map((session) => session.body.ext_session_id as string);
			expect(new Set(ids).size).toBe(3);
			expect(ids[1]).toBe(`${ids[0]}-run1`);
			if (run === 'reset') expect(sandbox.control.faults()[0].applied).toBe(1);
		}
	}, 180_000);

	step(`starts one execution per result when ${REPEATED_RESULTS} results are each repeated twice right after their first 200, under CPU load`, async () => {
		const id = await createWorkflow(n8n, triggerOnly('e2e: repeats right after the first 200', ['callAnalysisCompleted'], credentials));
		await activateWorkflow(n8n, id);
		const url = await until('the trigger to register', () => sandbox.control.webhook().current ?? undefined);
		const trackingIds = Array.from({ length: REPEATED_RESULTS }, (_, index) => `e2e-repeat-${index}`);

		const stopLoad = loadTheCpu();
		const answers: unknown[] = [];
		try {
			for (const trackingId of trackingIds) {
				const body = buildResult('analysis', trackingId);
				const first = await post(url, body);
				const repeats = await Promise.all([post(url, body), post(url, body)]);
				answers.push([first, ...repeats].map((answer) => `${answer.status} ${JSON.stringify(answer.body)}`));
			}
		} finally {
			stopLoad();
		}

		expect(answers).toEqual(
			trackingIds.map(() => ['200 {"received":true}', ...Array(2).fill('200 {"received":true,"skipped":"duplicate"}')]),
		);
		const executions = await until('an execution per result', async () => {
			const all = await executionsOf(n8n, id, false);
			return all.length >= REPEATED_RESULTS && all.every((entry) => entry.status === 'success') ? all : undefined;
		}, 120_000);
		// Time for a late extra execution to show up, had any repeat started one.
		await new Promise((done) => setTimeout(done, 3000));
		expect((await executionsOf(n8n, id, false)).length).toBe(executions.length);
		expect(executions).toHaveLength(REPEATED_RESULTS);
	}, 300_000);

	step('Stop ends an execution in the middle of a 57 MB upload within seconds, and the upload does not go on', async () => {
		sandbox.control.reset();
		// OMI stops reading: the upload stalls half-way, as over a slow line.
		sandbox.control.addFault({ path: '/api/ai/speech_to_text', fault: { type: 'latency', ms: 120_000 } });
		const path = 'e2e-stop-upload';
		const executionId = await startRunning(transcribeUrl(path, credentials), path, {
			url: `${sandbox.url}/recordings/long-call.wav?seconds=${LONG_RECORDING_SECONDS}`,
		});
		await until('the upload to reach OMI', () => sandbox.control.requests().some((request) => request.path === '/api/ai/speech_to_text') || undefined);

		const { tookMs, status } = await stopAndTime(executionId);
		await new Promise((done) => setTimeout(done, 2000));

		expect(status).toBe('canceled');
		expect(tookMs).toBeLessThan(10_000);
		expect(sandbox.control.openRecordingDownloads()).toBe(0);
		expect(sandbox.control.uploads()).toEqual([]);
		expect(sandbox.control.requests().filter((request) => request.path === '/api/ai/speech_to_text')).toHaveLength(1);
	}, 120_000);

	step('Stop ends an execution in the middle of an Alovoice wait within seconds, and no poll follows', async () => {
		sandbox.control.reset();
		sandbox.control.alovoice.setReadyAfterMs(null);
		const path = 'e2e-stop-alovoice';
		const polls = () => sandbox.control.requests().filter((request) => request.path.startsWith('/callgetairesult/')).length;
		const executionId = await startRunning(alovoiceWait(path, credentials), path, { callId: 'call-1001' });
		await until('the first poll', () => (polls() > 0 ? true : undefined));

		const { tookMs, status } = await stopAndTime(executionId);
		const pollsWhenStopped = polls();
		// Longer than the pause between two polls: a wait that went on after Stop would poll again.
		await new Promise((done) => setTimeout(done, 5000));

		expect(status).toBe('canceled');
		expect(tookMs).toBeLessThan(10_000);
		expect(polls()).toBe(pollsWhenStopped);
	}, 120_000);
});
