import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';

import type { IDataObject, INodeCredentialsDetails, INodeParameters } from 'n8n-workflow';

import {
	ODD_RESULTS,
	type TranscriptionResult,
	analysisWithUnknownFields,
	buildResult,
	resultItemProblems,
	startSandbox,
	transcriptionWithUnknownFields,
	unknownFieldWarning,
} from '../sandbox/server';
import type { WorkflowJson } from './harness/engine';
import { TestN8n, omiWorkflow } from './harness/engine';
import { makeRecording } from './harness/files';
import { addOmiCredential, useSandbox } from './harness/sandbox';
import { captureLogs, everyText } from './harness/secrets';
import { TestWebhookServer } from './harness/webhooks';
import type { OmiAiTrigger } from '../nodes/OmiAiTrigger/OmiAiTrigger.node';
import { deriveWebhookToken } from '../nodes/OmiAiTrigger/security';

const TRIGGER = 'OMI AI Trigger';

/** The trigger as the editor saves it: every parameter present, the webhook id assigned. */
function triggerWorkflow(credential: INodeCredentialsDetails, parameters: INodeParameters = {}): WorkflowJson {
	return {
		nodes: [
			{
				id: randomUUID(),
				name: TRIGGER,
				type: 'n8n-nodes-omicall.omiAiTrigger',
				typeVersion: 1.1,
				position: [0, 0],
				webhookId: randomUUID(),
				parameters: {
					events: ['callAnalysisCompleted', 'transcriptionCompleted'],
					trackingIdMatch: 'any',
					options: {},
					...parameters,
				},
				credentials: { omiCallApi: credential },
			},
		],
		connections: {},
	};
}

const post = async (url: string, body: string, headers: Record<string, string> = {}) => {
	const response = await fetch(url, {
		method: 'POST',
		headers: { 'content-type': 'application/json', ...headers },
		body,
	});
	return { status: response.status, body: (await response.json()) as IDataObject };
};

async function until(condition: () => boolean, timeoutMs = 5000) {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error('The condition did not come true in time');
		await new Promise((resolve) => setTimeout(resolve, 10));
	}
}

const withoutToken = (url: string) => {
	const target = new URL(url);
	target.searchParams.delete('token');
	return target.toString();
};

describe('OMI AI Trigger', () => {
	const sandbox = useSandbox();
	let n8n: TestN8n;
	let server: TestWebhookServer;
	let credential: INodeCredentialsDetails;

	beforeEach(async () => {
		n8n = new TestN8n();
		server = await TestWebhookServer.start(n8n);
		credential = addOmiCredential(n8n, sandbox());
	});
	afterEach(async () => await server.close());

	/** Activates a trigger workflow and returns its id and the URL OMI now holds. */
	async function activate(parameters: INodeParameters = {}) {
		const id = await server.activate(triggerWorkflow(credential, parameters));
		const registered = sandbox().control.webhook().current as string;
		return { id, registered };
	}

	/**
	 * Closes this n8n and starts the workflow in another one with a fresh copy of the node's modules: nothing
	 * of the first process's memory, the same n8n store. Returns the trigger's URL there, with the token OMI holds.
	 */
	async function inAnotherProcess(workflow: WorkflowJson, id: string, registered: string): Promise<URL> {
		await server.close();
		let FreshTrigger: typeof OmiAiTrigger | undefined;
		jest.isolateModules(() => {
			FreshTrigger = (require('../nodes/OmiAiTrigger/OmiAiTrigger.node') as { OmiAiTrigger: typeof OmiAiTrigger }).OmiAiTrigger;
		});
		const otherProcess = new TestN8n({ 'n8n-nodes-omicall.omiAiTrigger': new FreshTrigger!() });
		addOmiCredential(otherProcess, sandbox());
		server = await TestWebhookServer.start(otherProcess);
		await server.activate(workflow, id);
		const url = new URL(server.webhookUrl(id, TRIGGER));
		url.searchParams.set('token', new URL(registered).searchParams.get('token') as string);
		return url;
	}

	describe('lifecycle', () => {
		it('tells the user, first thing in the node panel, that an OMI account delivers to one URL', async () => {
			const { OmiAiTrigger: TriggerNode } = await import('../nodes/OmiAiTrigger/OmiAiTrigger.node');
			const [first] = new TriggerNode().description.properties;

			expect(first.type).toBe('notice');
			expect(first.displayName).toMatch(/one URL only/);
			expect(first.displayName).toMatch(/one active OMI AI Trigger workflow per OMI account/);
		});

		it('registers its production URL, with a secret token, with OMI on activation', async () => {
			const { id, registered } = await activate();

			const url = new URL(registered);
			expect(withoutToken(registered)).toBe(server.webhookUrl(id, TRIGGER));
			expect(url.pathname).toMatch(/^\/webhook\/[0-9a-f-]{36}\/omi-ai$/);
			// 256 bits, base64url.
			expect(url.searchParams.get('token')).toMatch(/^[A-Za-z0-9_-]{43}$/);
		});

		it("warns in the log when n8n's webhook URL is one OMI cannot reach, pointing to WEBHOOK_URL, and still activates", async () => {
			const logs = captureLogs();
			let registered: string;
			try {
				({ registered } = await activate());
			} finally {
				logs.restore();
			}

			// The harness's n8n listens on 127.0.0.1, as a local n8n does without WEBHOOK_URL.
			expect(new URL(registered).hostname).toBe('127.0.0.1');
			expect(logs.lines.join('\n')).toMatch(/warn OMI AI Trigger: n8n's webhook URL http:\/\/127\.0\.0\.1:\d+\/webhook\/\S+ points to 127\.0\.0\.1, which OMI cannot reach from the internet.*WEBHOOK_URL/);
		});

		it('knows which webhook hosts OMI cannot reach', async () => {
			const { unreachableHost } = await import('../nodes/OmiAiTrigger/reachability');
			const unreachable = ['http://localhost:5678/webhook/x', 'http://127.0.0.2/webhook/x', 'http://[::1]:5678/webhook/x', 'http://10.1.2.3/x', 'http://172.16.0.9/x', 'http://172.31.255.1/x', 'http://192.168.1.20:5678/x', 'http://169.254.1.1/x', 'http://[fd12:3456::1]/x', 'http://n8n.localhost/x'];
			const reachable = ['https://n8n.example.com/webhook/x', 'https://203.0.113.7/webhook/x', 'http://172.32.0.1/x', 'http://11.0.0.1/x', 'https://[2001:db8::1]/x', 'https://localhost.example.com/x'];
			for (const url of unreachable) expect({ url, host: unreachableHost(url) }).toEqual({ url, host: expect.any(String) });
			for (const url of reachable) expect({ url, host: unreachableHost(url) }).toEqual({ url, host: undefined });
		});

		it('can be activated again without harm: the same URL is registered again', async () => {
			const workflow = triggerWorkflow(credential);
			const id = await server.activate(workflow);
			await server.activate(workflow, id);

			const { current, history } = sandbox().control.webhook();
			expect(history).toEqual([current, current]);
			expect(await sandbox().control.deliver('analysis', 'crm-1')).toMatchObject({ delivered: true, attempts: 1 });
			expect(await server.waitForExecutions(id, 1)).toHaveLength(1);
		});

		it('activates when OMI answers the registration with a bare 200, all its document shows', async () => {
			const bare = await startSandbox({ port: 0, registerAnswer: 'empty' });
			try {
				const id = await server.activate(triggerWorkflow(addOmiCredential(n8n, bare, {}, 'omi-bare')));

				expect(withoutToken(bare.control.webhook().current as string)).toBe(server.webhookUrl(id, TRIGGER));
				expect(bare.control.requests().find((request) => request.path === '/api/ai/register_webhook_ai')?.status).toBe(200);
			} finally {
				await bare.close();
			}
		});

		it('gives each workflow its own token', async () => {
			const first = await activate();
			const second = await activate();

			expect(new URL(first.registered).searchParams.get('token')).not.toBe(
				new URL(second.registered).searchParams.get('token'),
			);
		});

		it('fails activation with OMI\'s reason when OMI refuses the registration', async () => {
			const refused = addOmiCredential(n8n, sandbox(), { apiKey: 'not-the-key' }, 'omi-wrong');

			await expect(server.activate(triggerWorkflow(refused))).rejects.toThrow(/api_key_invalid/);
		});

		it('deactivates without calling OMI, which has no way to remove a URL, and logs that OMI keeps it', async () => {
			const { id } = await activate();
			const requestsBefore = sandbox().control.requests().length;
			const logs = captureLogs();

			try {
				await expect(server.deactivate(id)).resolves.toBeUndefined();
			} finally {
				logs.restore();
			}

			expect(sandbox().control.requests()).toHaveLength(requestsBefore);
			expect(logs.lines.join('\n')).toMatch(/warn OMI AI Trigger: OMI has no way to remove a webhook URL/);
		});

		it('no longer starts a workflow once deactivated', async () => {
			const { id, registered } = await activate();
			await server.deactivate(id);

			const answer = await post(registered, JSON.stringify(buildResult('analysis', 'crm-1')));

			expect(answer.status).toBe(404);
			expect(server.executionsOf(id)).toHaveLength(0);
		});

		it('a test event replaces the production URL at OMI, and production is registered again afterwards', async () => {
			const workflow = triggerWorkflow(credential);
			const id = await server.activate(workflow);
			const production = sandbox().control.webhook().current;

			await server.listenForTestEvent(workflow, id);
			const testUrl = sandbox().control.webhook().current as string;
			expect(withoutToken(testUrl)).toBe(server.webhookUrl(id, TRIGGER, true));

			const delivery = await sandbox().control.deliver('transcription', 'crm-test-1');
			expect(delivery).toMatchObject({ url: testUrl, delivered: true });
			const [testRun] = await server.waitForExecutions(id, 1);
			expect(testRun.mode).toBe('manual');
			expect(testRun.output(TRIGGER)[0].json).toMatchObject({ event: 'transcriptionCompleted', trackingId: 'crm-test-1' });

			// n8n removes a test URL after its one call, while the test execution may still run.
			await until(() => sandbox().control.webhook().history.length === 3);
			expect(sandbox().control.webhook().history).toEqual([production, testUrl, production]);
			expect(await sandbox().control.deliver('analysis', 'crm-prod-1')).toMatchObject({ url: production, delivered: true });
			const runs = await server.waitForExecutions(id, 2);
			expect(runs[1]).toMatchObject({ mode: 'webhook' });
		});

		it('runs a test event even for a result production has handled, and records nothing for production', async () => {
			const workflow = triggerWorkflow(credential);
			const id = await server.activate(workflow);
			await sandbox().control.deliver('analysis', 'crm-seen');
			await server.waitForExecutions(id, 1);

			await server.listenForTestEvent(workflow, id);
			expect(await sandbox().control.deliver('analysis', 'crm-seen')).toMatchObject({ delivered: true });
			const [, testRun] = await server.waitForExecutions(id, 2);
			await server.settled();

			expect(testRun.mode).toBe('manual');
			expect(testRun.output(TRIGGER)[0].json).toMatchObject({ trackingId: 'crm-seen' });
			// And production still knows the result from its own delivery only.
			await until(() => sandbox().control.webhook().history.length === 3);
			expect(await sandbox().control.deliver('analysis', 'crm-seen')).toMatchObject({ delivered: true });
			await server.settled();
			expect(server.executionsOf(id)).toHaveLength(2);
		});

		it('gives production back when a test stops without an event', async () => {
			const workflow = triggerWorkflow(credential);
			const id = await server.activate(workflow);
			const production = sandbox().control.webhook().current;

			await server.listenForTestEvent(workflow, id);
			await server.stopListening(id);

			expect(sandbox().control.webhook().current).toBe(production);
		});

		it('logs, and does not throw, when OMI is down as a test ends', async () => {
			const down = await startSandbox({ port: 0 });
			const workflow = triggerWorkflow(addOmiCredential(n8n, down, {}, 'omi-down'));
			const id = randomUUID();
			await server.listenForTestEvent(workflow, id);
			await down.close();
			const logs = captureLogs();

			try {
				await expect(server.stopListening(id)).resolves.toBeUndefined();
			} finally {
				logs.restore();
			}

			expect(logs.lines.join('\n')).toMatch(/warn OMI AI Trigger: the test is over, but OMI could not be given the production URL again/);
		});
	});

	describe('deliveries', () => {
		it('turns a transcript into one simplified item', async () => {
			const { id } = await activate();

			const delivery = await sandbox().control.deliver('transcription', 'crm-42');

			const [execution] = await server.waitForExecutions(id, 1);
			const body = delivery.body as TranscriptionResult;
			const words = JSON.parse(body.word_alignment) as IDataObject[];
			expect(delivery.lastStatus).toBe(200);
			expect(execution.output(TRIGGER).map((item) => item.json)).toEqual([
				{
					event: 'transcriptionCompleted',
					trackingId: 'crm-42',
					text: body.text,
					segments: [{ start: Number(body.from), end: Number(body.to), text: body.text, words }],
				},
			]);
			expect(words.length).toBeGreaterThan(0);
		});

		it('turns an analysis into one item whose QA scores are numbers an IF node can compare', async () => {
			const { id } = await activate();

			await sandbox().control.deliver('analysis', 'crm-7-score-55');

			const [execution] = await server.waitForExecutions(id, 1);
			const item = execution.output(TRIGGER)[0].json;
			expect(item).toMatchObject({ event: 'callAnalysisCompleted', trackingId: 'crm-7-score-55', qa: { staffScore: 55 } });
			expect(typeof item.staffTalkTime).toBe('number');
			expect(typeof (item.qa as IDataObject).customerScore).toBe('number');
			expect(Object.values(item.keywords as IDataObject).every((count) => typeof count === 'number')).toBe(true);
			expect(item.llm).toEqual(expect.any(Object));
		});

		it.each([
			['no content type', {}],
			['a content type n8n does not parse', { 'content-type': 'application/octet-stream' }],
		])('reads a result sent with %s, which n8n leaves unread', async (_case, headers) => {
			const { id, registered } = await activate();

			const answer = await fetch(registered, { method: 'POST', headers, body: JSON.stringify(buildResult('analysis', 'crm-untyped')) });

			expect(answer.status).toBe(200);
			const [execution] = await server.waitForExecutions(id, 1);
			expect(execution.output(TRIGGER)[0].json).toMatchObject({ event: 'callAnalysisCompleted', trackingId: 'crm-untyped' });
		});

		it('answers OMI at once with 200 and a small JSON body', async () => {
			const { registered } = await activate();

			const answer = await post(registered, JSON.stringify(buildResult('analysis', 'crm-1')));

			expect(answer).toEqual({ status: 200, body: { received: true } });
		});

		it.each([
			['equals', 'crm-1', ['crm-1']],
			['startsWith', 'crm-', ['crm-1', 'crm-2']],
		])('filters by tracking ID (%s %s) and answers 200 to what it skips', async (trackingIdMatch, trackingId, expected) => {
			const { id, registered } = await activate({ trackingIdMatch, trackingId });

			const answers = [];
			for (const delivered of ['crm-1', 'sales-1', 'crm-2']) {
				answers.push(await post(registered, JSON.stringify(buildResult('analysis', delivered))));
			}

			await server.settled();
			expect(server.executionsOf(id).map((execution) => execution.output(TRIGGER)[0].json.trackingId)).toEqual(expected);
			expect(answers.map(({ status }) => status)).toEqual([200, 200, 200]);
			expect(answers[1].body).toEqual({ received: true, skipped: 'tracking ID filtered out' });
		});

		it('skips an event the workflow did not select, with 200 so that OMI does not retry it', async () => {
			const { id, registered } = await activate({ events: ['callAnalysisCompleted'] });

			const answer = await post(registered, JSON.stringify(buildResult('transcription', 'crm-1')));

			await server.settled();
			expect(answer).toEqual({ status: 200, body: { received: true, skipped: 'event not selected' } });
			expect(server.executionsOf(id)).toHaveLength(0);
		});

		it('starts one workflow for a result OMI delivers twice', async () => {
			const { id, registered } = await activate();
			const body = JSON.stringify(buildResult('analysis', 'crm-dup'));

			const first = await post(registered, body);
			const second = await post(registered, body);
			const third = await post(registered, JSON.stringify(buildResult('transcription', 'crm-dup')));

			expect(first.body).toEqual({ received: true });
			expect(second).toEqual({ status: 200, body: { received: true, skipped: 'duplicate' } });
			expect(third.body).toEqual({ received: true });
			await server.waitForExecutions(id, 2);
			expect(server.executionsOf(id).map((execution) => execution.output(TRIGGER)[0].json.event)).toEqual([
				'callAnalysisCompleted',
				'transcriptionCompleted',
			]);
		});

		it('starts no second execution for repeats sent right after the first 200, while its execution is still starting', async () => {
			const { id, registered } = await activate();
			// n8n under CPU load: the first delivery is answered, its execution's first step runs later.
			server.executionStartDelayMs = 300;
			const results = ['crm-race-1', 'crm-race-2', 'crm-race-3'];

			const answers = [];
			for (const trackingId of results) {
				const body = JSON.stringify(buildResult('analysis', trackingId));
				const first = await post(registered, body);
				answers.push(first.body, ...(await Promise.all([post(registered, body), post(registered, body)])).map((repeat) => repeat.body));
			}
			await server.settled();

			expect(answers).toEqual(
				results.flatMap(() => [{ received: true }, ...Array(2).fill({ received: true, skipped: 'duplicate' })]),
			);
			expect(server.executionsOf(id).map((execution) => execution.output(TRIGGER)[0]?.json.trackingId)).toEqual(results);
		});

		it('still starts the result from a repeat when the first delivery\'s execution never started', async () => {
			const { id, registered } = await activate();
			server.executionsThatNeverStart = 1;
			const body = JSON.stringify(buildResult('analysis', 'crm-first-lost'));

			const first = await post(registered, body);
			const repeat = await post(registered, body);

			expect(first.body).toEqual({ received: true });
			expect(repeat.body).toEqual({ received: true });
			const [execution] = await server.waitForExecutions(id, 1);
			expect(execution.output(TRIGGER)[0].json.trackingId).toBe('crm-first-lost');
		});

		it("recognises a repeat in another n8n process (after a restart, or on another webhook processor) through n8n's processed-items store", async () => {
			const workflow = triggerWorkflow(credential);
			const id = await server.activate(workflow);
			const url = sandbox().control.webhook().current as string;
			const body = JSON.stringify(buildResult('analysis', 'crm-repeat'));
			expect((await post(url, body)).body).toEqual({ received: true });
			await server.waitForExecutions(id, 1);
			const sameUrl = await inAnotherProcess(workflow, id, url);

			const again = await post(sameUrl.toString(), body);
			const [execution] = await server.waitForExecutions(id, 1);
			const onceMore = await post(sameUrl.toString(), body);
			await server.settled();

			expect(again.body).toEqual({ received: true });
			expect(execution.output(TRIGGER)).toEqual([]);
			expect(onceMore.body).toEqual({ received: true, skipped: 'duplicate' });
			expect(server.executionsOf(id)).toHaveLength(1);
		});

		it("records every result of a burst in n8n's processed-items store, though the executions arriving together share one recording", async () => {
			const workflow = triggerWorkflow(credential);
			const id = await server.activate(workflow);
			const url = sandbox().control.webhook().current as string;
			// n8n under CPU load: the executions reach the trigger's first step together.
			server.executionStartDelayMs = 200;
			const burst = Array.from({ length: 30 }, (_, index) => JSON.stringify(buildResult('analysis', `crm-burst-${index}`)));
			const answers = await Promise.all(burst.map(async (body) => (await post(url, body)).body));
			await server.waitForExecutions(id, burst.length);
			const sameUrl = await inAnotherProcess(workflow, id, url);
			for (const body of burst) await post(sameUrl.toString(), body);
			const executions = await server.waitForExecutions(id, burst.length);
			await server.settled();

			expect(answers).toEqual(burst.map(() => ({ received: true })));
			// Each repeat started an execution here (this process had not seen it), which ended at the trigger.
			expect(executions.map((execution) => execution.output(TRIGGER))).toEqual(burst.map(() => []));
		});

		it('adds the raw payload and the request headers when asked, without the token', async () => {
			const { id, registered } = await activate({ options: { includeRaw: true } });
			const body = buildResult('analysis', 'crm-raw');

			await post(registered, JSON.stringify(body), { referer: registered, 'x-omi-trace': 'abc' });

			const [execution] = await server.waitForExecutions(id, 1);
			const item = execution.output(TRIGGER)[0].json;
			expect(item.raw).toEqual(body);
			expect(item.headers).toMatchObject({ 'x-omi-trace': 'abc', referer: `${withoutToken(registered)}?token=***` });
			expect(item.qa).toMatchObject({ staffScore: expect.any(Number) });
		});

		it('keeps the body in raw and says in warnings what it could not read, for an unexpected shape of every documented field, with Include Raw Payload off', async () => {
			const documented = {
				analysis: ['analyst_results', 'criteria_classification_result', 'customer_talk_time', 'customer_word_alignments', 'keyword_count', 'nl_analyze_result', 'quality_evaluation_result', 'result_nlp_analytics', 'staff_talk_time', 'staff_word_alignments', 'tracking_id'],
				transcription: ['from', 'to', 'word_alignment', 'text', 'tracking_id'],
			};
			for (const kind of ['analysis', 'transcription'] as const) {
				expect(new Set(ODD_RESULTS.filter((odd) => odd.kind === kind).map((odd) => odd.field))).toEqual(new Set(documented[kind]));
			}
			const { id, registered } = await activate();
			const bodies = ODD_RESULTS.map((odd, index) => odd.body(`crm-odd-${index}`));
			const recognised = buildResult('analysis', 'crm-recognised');

			for (const body of [...bodies, recognised]) expect((await post(registered, JSON.stringify(body))).status).toBe(200);

			const items = (await server.waitForExecutions(id, bodies.length + 1)).map((execution) => execution.output(TRIGGER)[0].json);
			for (const [index, odd] of ODD_RESULTS.entries()) {
				const item = items.find((candidate) => isDeepStrictEqual(candidate.raw, bodies[index]));
				expect({ case: index, item }).toMatchObject({
					case: index,
					item: { event: odd.kind === 'analysis' ? 'callAnalysisCompleted' : 'transcriptionCompleted', warnings: [expect.stringMatching(odd.warning), ...(odd.unknown ?? []).map((field) => unknownFieldWarning(field))] },
				});
				expect(item).not.toHaveProperty('headers');
			}
			const plain = items.find((item) => item.trackingId === 'crm-recognised');
			expect(plain).toMatchObject({ event: 'callAnalysisCompleted', qa: { staffScore: expect.any(Number) } });
			expect(plain).not.toHaveProperty('raw');
			expect(plain).not.toHaveProperty('warnings');
		});

		it('keeps every value of a result with unknown fields, at the top level and inside each field it reads: known ones in the simplified fields, unknown ones in otherFields, each named in warnings, without raw', async () => {
			const { id, registered } = await activate();
			const results = [analysisWithUnknownFields('crm-unknown-a'), transcriptionWithUnknownFields('crm-unknown-t')];

			for (const { body } of results) expect((await post(registered, JSON.stringify(body))).status).toBe(200);

			const items = (await server.waitForExecutions(id, results.length)).map((execution) => execution.output(TRIGGER)[0].json);
			expect(resultItemProblems(results, items)).toEqual([]);
		});

		it('reads result_nlp_analytics as an object, as OMI documents it, or as a list, and a score sent as number text as a number, without warnings', async () => {
			const { id, registered } = await activate();
			const asObject = { ...buildResult('analysis', 'crm-nlp-object'), result_nlp_analytics: { utterances: [{ speaker: 'STAFF', text: 'Xin chào' }] } };
			const asList = buildResult('analysis', 'crm-nlp-list');
			const textScore = buildResult('analysis', 'crm-text-score');
			const scoreAsText = { ...textScore, quality_evaluation_result: { ...textScore.quality_evaluation_result, STAFF: { ...textScore.quality_evaluation_result.STAFF, score: '55' } } };

			for (const body of [asObject, asList, scoreAsText]) expect((await post(registered, JSON.stringify(body))).status).toBe(200);

			const items = (await server.waitForExecutions(id, 3)).map((execution) => execution.output(TRIGGER)[0].json);
			for (const item of items) {
				expect(item).not.toHaveProperty('warnings');
				expect(item).not.toHaveProperty('raw');
			}
			expect(items.find((item) => item.trackingId === 'crm-text-score')?.qa).toMatchObject({ staffScore: 55 });
		});

		it('emits an unrecognised body as event "unknown" only when the option is on', async () => {
			const off = await activate();
			const on = await activate({ options: { includeUnknown: true } });
			const odd = JSON.stringify({ tracking_id: 'crm-odd', status: 'queued' });

			expect(await post(off.registered, odd)).toEqual({
				status: 400,
				body: { message: 'The body is neither a transcription nor a call analysis result' },
			});
			expect((await post(on.registered, odd)).status).toBe(200);

			const [execution] = await server.waitForExecutions(on.id, 1);
			expect(execution.output(TRIGGER)[0].json).toEqual({
				event: 'unknown',
				trackingId: 'crm-odd',
				payload: { tracking_id: 'crm-odd', status: 'queued' },
			});
			expect(server.executionsOf(off.id)).toHaveLength(0);
		});
	});

	describe('refused requests start no workflow', () => {
		const result = JSON.stringify(buildResult('analysis', 'crm-1'));

		async function refusedWith(send: (registered: string) => Promise<{ status: number; body: IDataObject }>) {
			const { id, registered } = await activate();
			const answer = await send(registered);
			await server.settled();
			expect(server.executionsOf(id)).toEqual([]);
			expect(server.webhookErrors).toEqual([]);
			return answer;
		}

		const changeOneCharacter = (token: string) => `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;

		it.each([
			['no token', (registered: string) => post(withoutToken(registered), result)],
			['an empty token', (registered: string) => post(`${withoutToken(registered)}?token=`, result)],
			[
				'a token one character off',
				(registered: string) => {
					const url = new URL(registered);
					url.searchParams.set('token', changeOneCharacter(url.searchParams.get('token') as string));
					return post(url.toString(), result);
				},
			],
			[
				'the token in a header instead of the URL',
				(registered: string) =>
					post(withoutToken(registered), result, { token: new URL(registered).searchParams.get('token') as string }),
			],
		])('%s: 401', async (_case, send) => {
			expect(await refusedWith(send)).toEqual({ status: 401, body: { message: 'Unauthorized' } });
		});

		it('warns, once a minute at most and without the token, that a wrong token may mean a changed API key', async () => {
			const { registered } = await activate();
			const stale = new URL(registered);
			stale.searchParams.set('token', changeOneCharacter(stale.searchParams.get('token') as string));
			const logs = captureLogs();

			try {
				for (let attempt = 0; attempt < 3; attempt++) expect((await post(stale.toString(), result)).status).toBe(401);
				expect((await post(withoutToken(registered), result)).status).toBe(401);
			} finally {
				logs.restore();
			}

			const warnings = logs.lines.filter((line) => line.includes('URL token'));
			expect(warnings).toHaveLength(1);
			expect(warnings[0]).toMatch(/^warn OMI AI Trigger: .*If the API key of the OMI credential changed, deactivate and activate the workflow/);
			expect(warnings[0]).not.toContain(new URL(registered).searchParams.get('token'));
			expect(warnings[0]).not.toContain(stale.searchParams.get('token'));
		});

		it('wrong tokens, however many, cost at most two credential decryptions a minute, and the right token still works', async () => {
			const { id, registered } = await activate();
			const wrong = new URL(registered);
			const decryptions = () => n8n.credentials.decryptions.get(credential.id as string) ?? 0;
			const before = decryptions();

			for (let attempt = 0; attempt < 30; attempt++) {
				wrong.searchParams.set('token', `guess-${attempt}-${changeOneCharacter(new URL(registered).searchParams.get('token') as string)}`);
				expect((await post(wrong.toString(), result)).status).toBe(401);
			}
			const spentOnWrongTokens = decryptions() - before;
			expect((await post(registered, result)).status).toBe(200);

			expect(spentOnWrongTokens).toBeLessThanOrEqual(2);
			expect(await server.waitForExecutions(id, 1)).toHaveLength(1);
		});

		it('a token from another workflow: 401', async () => {
			const other = await activate();
			const answer = await refusedWith(async (registered) => {
				const url = new URL(registered);
				url.searchParams.set('token', new URL(other.registered).searchParams.get('token') as string);
				return await post(url.toString(), result);
			});
			expect(answer.status).toBe(401);
		});

		it.each([
			['a form post', 'tracking_id=crm-1&text=hello', 'The body must be a JSON object', 'application/x-www-form-urlencoded'],
			[
				'a multipart form',
				'--x\r\nContent-Disposition: form-data; name="tracking_id"\r\n\r\ncrm-1\r\n--x--\r\n',
				'The body must be a JSON object',
				'multipart/form-data; boundary=x',
			],
			['JSON sent as text/plain, when not an object', '"crm-1"', 'The body must be a JSON object', 'text/plain'],
			['a JSON array', '[{"tracking_id":"crm-1","text":"hi"}]', 'The body must be a JSON object'],
			['__proto__ keys', '{"tracking_id":"crm-1","text":"hi","__proto__":{"admin":true}}', 'The body has the forbidden key "__proto__"'],
			['constructor keys', '{"tracking_id":"crm-1","analyst_results":{"constructor":{"prototype":{}}}}', 'The body has the forbidden key "constructor"'],
			['deep nesting', `{"tracking_id":"crm-1","text":"hi","x":${'['.repeat(200)}${']'.repeat(200)}}`, 'The body is nested deeper than 32 levels'],
		])('%s: 400', async (_case, body, message, contentType = 'application/json') => {
			expect(await refusedWith((registered) => post(registered, body, { 'content-type': contentType }))).toEqual({
				status: 400,
				body: { message },
			});
		});

		it('a body over 5 MB: 413', async () => {
			const oversized = JSON.stringify({ ...buildResult('transcription', 'crm-big'), text: 'a'.repeat(6 * 1024 * 1024) });

			expect(await refusedWith((registered) => post(registered, oversized))).toEqual({
				status: 413,
				body: { message: 'The body is larger than 5 MB' },
			});
		});
	});

	describe('the secret token', () => {
		it('is still valid after n8n restarts: it is derived, not stored', async () => {
			const workflow = triggerWorkflow(credential);
			const id = await server.activate(workflow);
			const token = new URL(sandbox().control.webhook().current as string).searchParams.get('token') as string;
			await server.close();

			const restarted = new TestN8n();
			addOmiCredential(restarted, sandbox());
			server = await TestWebhookServer.start(restarted);
			await server.activate(workflow, id);
			const url = new URL(server.webhookUrl(id, TRIGGER));
			url.searchParams.set('token', token);

			expect((await post(url.toString(), JSON.stringify(buildResult('analysis', 'crm-after-restart')))).status).toBe(200);
			expect(await server.waitForExecutions(id, 1)).toHaveLength(1);
		});

		it('follows a changed API key: the new key\'s token is accepted at once, the old one only until then, a minute at most', async () => {
			const workflow = triggerWorkflow(credential);
			const id = await server.activate(workflow);
			const oldToken = new URL(sandbox().control.webhook().current as string).searchParams.get('token') as string;
			const postWith = async (token: string, trackingId: string) => {
				const url = new URL(server.webhookUrl(id, TRIGGER));
				url.searchParams.set('token', token);
				return (await post(url.toString(), JSON.stringify(buildResult('analysis', trackingId)))).status;
			};
			expect(await postWith(oldToken, 'crm-before-change')).toBe(200);

			addOmiCredential(n8n, sandbox(), { apiKey: 'a-new-api-key' }, credential.id as string);
			const newToken = deriveWebhookToken('a-new-api-key', id, workflow.nodes[0].id as string) as string;

			expect(newToken).not.toBe(oldToken);
			expect(await postWith(oldToken, 'crm-old-key-within-a-minute')).toBe(200);
			expect(await postWith(newToken, 'crm-new-key')).toBe(200);
			expect(await postWith(oldToken, 'crm-old-key-after-the-new-one')).toBe(401);
			expect(await postWith(`${newToken.slice(0, -1)}${newToken.endsWith('A') ? 'B' : 'A'}`, 'crm-forged')).toBe(401);
			expect(await server.waitForExecutions(id, 3)).toHaveLength(3);
		});

		it('and the API key appear in no output and no log line', async () => {
			const logs = captureLogs();
			try {
				const { id, registered } = await activate({ options: { includeRaw: true } });
				await post(registered, JSON.stringify(buildResult('analysis', 'crm-1')), { referer: registered });
				await post(withoutToken(registered), JSON.stringify(buildResult('analysis', 'crm-2')));
				await server.deactivate(id);
				const executions = await server.waitForExecutions(id, 1);
				const token = new URL(registered).searchParams.get('token') as string;

				const seen = everyText(executions.map((execution) => execution.run)) + logs.lines.join('\n');
				expect(seen).toContain('crm-1');
				expect(seen).not.toContain(token);
				expect(seen).not.toContain(sandbox().apiKey);
			} finally {
				logs.restore();
			}
		});
	});

	it('end to end: the OMI AI node uploads a call, OMI posts its analysis, the trigger emits it', async () => {
		const { id } = await activate({ trackingIdMatch: 'startsWith', trackingId: 'crm-' });
		const recording = makeRecording('trigger-e2e.wav', 64 * 1024);

		const upload = await n8n.run(
			omiWorkflow(
				[{ $file: { path: recording.path, fileName: 'call.wav', mimeType: 'audio/wav' } }],
				 { resource: 'recording', operation: 'analyzeCall', trackingId: 'crm-e2e-score-45' }, credential),
		);

		expect(upload.error).toBeUndefined();
		const [execution] = await server.waitForExecutions(id, 1);
		expect(execution.output(TRIGGER)[0].json).toMatchObject({
			event: 'callAnalysisCompleted',
			trackingId: 'crm-e2e-score-45',
			qa: { staffScore: 45 },
		});
		expect(sandbox().control.uploads()[0]).toMatchObject({ trackingId: 'crm-e2e-score-45', sha256: recording.sha256 });
	});
});
