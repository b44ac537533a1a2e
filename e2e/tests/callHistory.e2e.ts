/**
 * The automatic QA loop in a REAL n8n: OMICall's call history (the sandbox)
 * gets finished calls, the OMICall Trigger of examples/omi-auto-qa.json picks
 * them up, Analyze Call uploads each recording, the sandbox posts the
 * analyses to the QA alert example, which looks each call up and alerts for
 * the low scores. Across an n8n restart in the middle, a search answering
 * late, with a 503 and with a reset connection: every analysis once, every
 * low score alerted once. The trigger polls every 10 s (six Poll Times
 * entries, as n8n refuses a single cron firing more than once a minute), so
 * each scheduled poll the test waits for costs up to 10 s. Runs on every
 * version in E2E_N8N_VERSIONS (default "2,1").
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
	packedTarballs,
	startCatcher,
	stepsWithDiagnostics,
	type SlackCatcher,
	until,
} from '../harness/suite';
import { type Credentials, example, pollingEvery10Seconds } from '../harness/workflows';

const VERSIONS = (process.env.E2E_N8N_VERSIONS ?? '2,1').split(',').map((v) => v.trim()) as N8nVersion[];
const SEARCH_PATH = '/api/v2/callTransaction/search';

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
	let alertId = '';
	const sandboxLog: string[] = [];
	/** Every call that must be analyzed, with the agent and customer the alert must name. */
	const qualifying: CallSpec[] = [];

	const step = stepsWithDiagnostics(() => n8n, sandboxLog);

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, resultDelayMs: 300, webhookRetryMs: 500, webhookMaxAttempts: 120, log: (line) => sandboxLog.push(line) });
		catcher = await startCatcher();
		n8n = await startN8n({ version, tarballs: packedTarballs(), port: await freePort() });
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

	const allAnalyzed = (what: string, timeoutMs: number) =>
		until(what, () => (qualifying.every((call) => uploadedIds().includes(call.id!)) ? true : undefined), timeoutMs, () => ({
			notAnalyzed: qualifying.map((call) => call.id!).filter((id) => !uploadedIds().includes(id)),
			callSearches: sandbox.control.stats().callSearches,
		}));
	const faultApplied = (what: string) =>
		until(
			what,
			() => (sandbox.control.faults().every((rule) => rule.applied === rule.times) ? true : undefined),
			90_000,
			() => ({ faults: sandbox.control.faults(), callSearches: sandbox.control.stats().callSearches }),
		);
	const alertsSeen = () => ({ alerts: catcher.received.length, lowScores: qualifying.filter((call) => staffScore(call.id!) < 70).length });

	step('activates the automatic QA and QA alert examples against the sandbox', async () => {
		credentials = await createSandboxCredentials(n8n, sandbox);
		for (const file of ['omi-qa-alert.json', 'omi-auto-qa.json']) {
			const id = await createWorkflow(n8n, pollingEvery10Seconds(example(file, { credentials, slackUrl: catcher.url, sandboxUrl: sandbox.url })));
			if (file === 'omi-auto-qa.json') autoQaId = id;
			else alertId = id;
			await activateWorkflow(n8n, id);
		}
		await until('the QA alert trigger to register with OMI', () => sandbox.control.webhook().current ?? undefined, 60_000, () => sandbox.control.webhook());
		// The activation's poll: the history holds nothing yet, and the trigger starts from here.
		await until('the first poll', () => (sandbox.control.stats().callSearches > 0 ? true : undefined), 90_000, () => sandbox.control.stats());
	});

	step('a poll answered with a 503 loses nothing; across an n8n restart, with the history answering late, the calls that came while n8n was down are analyzed too', async () => {
		sandbox.control.addFault({ path: SEARCH_PATH, times: 1, fault: { type: 'http', status: 503 } });
		addBatch();
		await faultApplied('the scheduled poll that gets the 503');
		expect(uploadedIds()).toEqual([]);
		sandbox.control.addFault({ path: SEARCH_PATH, times: 1, fault: { type: 'latency', ms: 3000 } });
		addBatch();
		// These appear in the history while n8n starts again, or after.
		addBatch({ appearAfterMs: 30_000 });
		await n8n.restart();
		await allAnalyzed('the analyses of every call so far', 180_000);
	}, 300_000);

	step('a poll cut off by a reset connection loses nothing, and no call is analyzed twice', async () => {
		// The QA alert's Call › Get searches the history too: the reset is for the next poll, not for a lookup.
		await until(
			'the alerts so far',
			() => (catcher.received.length === qualifying.filter((call) => staffScore(call.id!) < 70).length ? true : undefined),
			90_000,
			alertsSeen,
		);
		sandbox.control.addFault({ path: SEARCH_PATH, times: 1, fault: { type: 'drop' } });
		addBatch();
		await faultApplied('the scheduled poll that gets the reset');
		await allAnalyzed('the analyses of the last calls', 90_000);
		expect(uploadedIds().sort()).toEqual(qualifying.map((call) => call.id!).sort());
	}, 200_000);

	step('alerts for each low score once, naming the agent, the customer phone and the call time', async () => {
		const low = qualifying.filter((call) => staffScore(call.id!) < 70);
		await until('every alert', () => (catcher.received.length >= low.length ? true : undefined), 90_000, alertsSeen);
		await new Promise((resolve) => setTimeout(resolve, 3000));
		expect(catcher.received).toHaveLength(low.length);
		const alertRuns = (await executionsOf(n8n, alertId)).filter((execution) => outputOf(execution, 'Look up the call').length > 0);
		expect(alertRuns.flatMap((execution) => outputOf(execution, 'Look up the call'))).toEqual(
			low.map(() => expect.objectContaining({ callId: expect.any(String), agent: expect.any(Object) })),
		);
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
