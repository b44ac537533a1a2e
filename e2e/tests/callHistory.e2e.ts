/**
 * The automatic QA loop in a REAL n8n: OMICall's call history (the sandbox)
 * gets finished calls, the OMICall Trigger of examples/omi-auto-qa.json picks
 * them up, Analyze Call uploads each recording, the sandbox posts the
 * analyses to the QA alert example, which looks each call up and alerts for
 * the low scores. Across an n8n restart in the middle, a search answering
 * late, with a 503 and with a reset connection: every analysis once, every
 * low score alerted once. Runs on every version in E2E_N8N_VERSIONS
 * (default "2,1").
 */

import { randomUUID } from 'node:crypto';

import { type CallSpec, type Sandbox, buildResult, startSandbox } from '../../sandbox/server';
import { type N8nServer, type N8nVersion, freePort, startN8n } from '../harness/n8nServer';
import {
	activateWorkflow,
	createSandboxCredentials,
	createWorkflow,
	executionsOf,
	outputOf,
	packedTarball,
	startCatcher,
	stepsWithDiagnostics,
	type SlackCatcher,
	until,
} from '../harness/suite';
import { type Credentials, example } from '../harness/workflows';

const VERSIONS = (process.env.E2E_N8N_VERSIONS ?? '2,1').split(',').map((v) => v.trim()) as N8nVersion[];
const SEARCH_PATH = '/api/v2/callTransaction/search';

/**
 * n8n refuses a schedule with a '*' in its seconds, but not a list of
 * seconds: every 5 s keeps this test short. Users get n8n's every-minute
 * choices.
 */
const EVERY_FIVE_SECONDS = { item: [{ mode: 'custom', cronExpression: '0,5,10,15,20,25,30,35,40,45,50,55 * * * * *' }] };

const staffScore = (callId: string) => buildResult('analysis', callId).quality_evaluation_result.STAFF.score;

/** Call IDs whose sandbox score is below 70 (`low`) or not, so that both kinds are in every batch. */
function callIds(low: number, high: number): string[] {
	const picked: string[] = [];
	let lows = 0;
	let highs = 0;
	while (lows < low || highs < high) {
		const id = randomUUID();
		const isLow = staffScore(id) < 70;
		if (isLow && lows < low) {
			lows++;
			picked.push(id);
		} else if (!isLow && highs < high) {
			highs++;
			picked.push(id);
		}
	}
	return picked;
}

describe.each(VERSIONS)('n8n %s.x: automatic QA from the call history', (version) => {
	let n8n: N8nServer;
	let sandbox: Sandbox;
	let catcher: SlackCatcher;
	let credentials: Credentials;
	let autoQaId = '';
	const sandboxLog: string[] = [];
	/** Every call that must be analyzed, with the agent and customer the alert must name. */
	const qualifying: CallSpec[] = [];

	const step = stepsWithDiagnostics(() => n8n, sandboxLog);

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, resultDelayMs: 300, webhookRetryMs: 500, webhookMaxAttempts: 120, log: (line) => sandboxLog.push(line) });
		catcher = await startCatcher();
		n8n = await startN8n({ version, tarball: packedTarball(), port: await freePort() });
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
		await catcher?.close();
	});

	const uploadedIds = () => sandbox.control.uploads().map((upload) => upload.trackingId);

	/** A batch of calls: the qualifying ones (answered, with a recording, >= 20 s) and some the trigger must skip. */
	function addBatch(extra: Partial<CallSpec> = {}): void {
		const endedAt = Date.now();
		const ids = callIds(2, 2);
		const wanted: CallSpec[] = ids.map((id, index) => ({
			id,
			talkSeconds: 25 + index,
			agentExtension: `10${1 + (index % 4)}`,
			customerPhone: `0912${String(Math.floor(Math.random() * 1e6)).padStart(6, '0')}`,
			// Two calls of the same second.
			endedAt: index < 2 ? endedAt : endedAt - index * 1000,
			...extra,
		}));
		wanted[3].recordingAfterMs = 6000;
		qualifying.push(...wanted);
		sandbox.control.addCalls([...wanted, { answered: false }, { recording: false, talkSeconds: 40 }, { talkSeconds: 12 }]);
	}

	step('activates the automatic QA and QA alert examples against the sandbox', async () => {
		credentials = await createSandboxCredentials(n8n, sandbox);
		for (const file of ['omi-qa-alert.json', 'omi-auto-qa.json']) {
			const workflow = example(file, { credentials, slackUrl: catcher.url, sandboxUrl: sandbox.url });
			for (const node of workflow.nodes) if (node.type === 'n8n-nodes-omicall.omiCallTrigger') node.parameters.pollTimes = EVERY_FIVE_SECONDS;
			const id = await createWorkflow(n8n, workflow);
			if (file === 'omi-auto-qa.json') autoQaId = id;
			await activateWorkflow(n8n, id);
		}
		await until('the QA alert trigger to register with OMI', () => sandbox.control.webhook().current ?? undefined);
		// Calls in the history before activation are the past: the trigger must not emit them.
		await until('the first poll', () => (sandbox.control.stats().callSearches > 0 ? true : undefined), 60_000);
	});

	step('analyzes each finished call once, with the history answering late, with a 503 and with a reset', async () => {
		sandbox.control.addFault({ path: SEARCH_PATH, times: 1, fault: { type: 'http', status: 503 } });
		sandbox.control.addFault({ path: SEARCH_PATH, skip: 1, times: 1, fault: { type: 'drop' } });
		sandbox.control.addFault({ path: SEARCH_PATH, skip: 2, times: 2, fault: { type: 'latency', ms: 3000 } });
		addBatch();
		await until(
			'the analyses of the first calls',
			() => (qualifying.every((call) => uploadedIds().includes(call.id!)) ? true : undefined),
			120_000,
		);
		expect(sandbox.control.faults().every((rule) => rule.applied === rule.times)).toBe(true);
	});

	step('across an n8n restart, analyzes the calls that came in while it was down, and repeats none', async () => {
		// Nothing in flight: n8n answers 200 "starting up" to requests while it starts, which would swallow a result.
		await until('every result delivered', () =>
			sandbox.control.deliveries().length === sandbox.control.uploads().length && sandbox.control.deliveries().every((d) => d.done) ? true : undefined,
		);
		// These appear in the history once n8n has stopped: its graceful stop takes at most 10 s.
		addBatch({ appearAfterMs: 12_000 });
		addBatch({ appearAfterMs: 20_000 });
		await n8n.restart();
		await until(
			'the analyses of every call',
			() => (qualifying.every((call) => uploadedIds().includes(call.id!)) ? true : undefined),
			180_000,
		);
		// Two more polls' time, for any repeat to show.
		await new Promise((resolve) => setTimeout(resolve, 12_000));
		expect(uploadedIds().sort()).toEqual(qualifying.map((call) => call.id!).sort());
	}, 300_000);

	step('alerts for each low score once, naming the agent, the customer phone and the call time', async () => {
		const low = qualifying.filter((call) => staffScore(call.id!) < 70);
		await until('every alert', () => (catcher.received.length >= low.length ? true : undefined), 120_000);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(catcher.received).toHaveLength(low.length);
		for (const call of low) {
			const alerts = catcher.received.map((body) => String(body.text)).filter((text) => text.includes(`call ${call.id} scored ${staffScore(call.id!)}/100`));
			expect(alerts).toHaveLength(1);
			expect(alerts[0]).toMatch(
				new RegExp(`Agent: .+ \\(ext\\. ${call.agentExtension}\\), customer: ${call.customerPhone}, call at \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d\\.`),
			);
		}
		const runs = await executionsOf(n8n, autoQaId);
		const emitted = runs.flatMap((execution) => outputOf(execution, 'OMICall Trigger').map((item) => item.callId as string));
		expect(emitted.sort()).toEqual(qualifying.map((call) => call.id!).sort());
	}, 200_000);
});
