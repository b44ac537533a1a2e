import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import type { ICredentialDataDecryptedObject, IDataObject, INode } from 'n8n-workflow';

import type { Sandbox } from '../../../sandbox/server';
import { NGINX_502_PAGE } from '../../../sandbox/server';
import { TestN8n, alovoiceWorkflow } from '../../../test/harness/engine';
import { useSandbox } from '../../../test/harness/sandbox';
import { captureLogs, everyText } from '../../../test/harness/secrets';

/** Waiting in milliseconds rather than minutes, so a test of many polls stays fast. */
const quickWait = { pollIntervalSeconds: 0.02, backoffFactor: 1.5, maxWaitSeconds: 3 };

const analyzeAndWait = (callId: string, extra: IDataObject = {}) => ({
	resource: 'callAnalysis',
	operation: 'analyzeAndWait',
	callId,
	waitOptions: quickWait,
	...extra,
});

function setUp(sandbox: Sandbox, overrides: ICredentialDataDecryptedObject = {}) {
	const n8n = new TestN8n();
	const credential = n8n.credentials.add({
		id: 'alovoice-1',
		name: 'Alovoice sandbox',
		type: 'alovoiceApi',
		data: { token: sandbox.alovoiceToken, baseUrl: sandbox.url, ...overrides },
	});
	return { n8n, credential };
}

describe('Alovoice › Call Analysis', () => {
	const sandbox = useSandbox({ alovoiceReadyAfterMs: 150 });

	describe('credential test (the editor\'s "Test" button)', () => {
		it('passes for the right token', async () => {
			const { n8n, credential } = setUp(sandbox());

			await expect(n8n.testCredential(credential, 'alovoiceApi')).resolves.toEqual({
				status: 'OK',
				message: 'Connection successful!',
			});
		});

		it('reaches the host the node reaches, from a base URL with a stray space and a trailing slash', async () => {
			const { n8n, credential } = setUp(sandbox(), { baseUrl: ` ${sandbox().url}/ ` });

			const tested = await n8n.testCredential(credential, 'alovoiceApi');
			const sent = await n8n.run(
				alovoiceWorkflow([{}], { resource: 'callAnalysis', operation: 'send', callId: 'call-1001' }, credential),
			);

			expect(sent.error).toBeUndefined();
			expect(tested).toEqual({ status: 'OK', message: 'Connection successful!' });
		});

		it('fails for a wrong token without showing it', async () => {
			const { n8n, credential } = setUp(sandbox(), { token: 'wrong-alovoice-token-77' });

			const result = await n8n.testCredential(credential, 'alovoiceApi');

			expect(result.status).toBe('Error');
			expect(result.message).not.toContain('wrong-alovoice-token-77');
		});
	});

	it('sends a call, then gets its result once it is ready', async () => {
		const { n8n, credential } = setUp(sandbox());

		const sent = await n8n.run(
			alovoiceWorkflow([{}], { resource: 'callAnalysis', operation: 'send', callId: 'call-1001' }, credential),
		);
		expect(sent.error).toBeUndefined();
		const [sendItem] = sent.output('Alovoice');
		expect(sendItem.pairedItem).toEqual({ item: 0 });
		expect(sendItem.json).toEqual({
			callId: 'call-1001',
			aicallid: expect.stringMatching(/^[0-9a-f]{24}$/),
			begin_time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
			stereoaudio: `${sandbox().url}/stereo/call-1001`,
		});
		expect(Math.abs(Date.parse(sendItem.json.begin_time as string) - Date.now())).toBeLessThan(5000);

		const getResult = { resource: 'callAnalysis', operation: 'getResult', callId: 'call-1001' };
		const early = await n8n.run(alovoiceWorkflow([{}], getResult, credential));
		expect(early.output('Alovoice')[0].json).toMatchObject({ callId: 'call-1001', ready: false });

		const waited = await n8n.run(
			alovoiceWorkflow([{}], { ...getResult, waitUntilReady: true, waitOptions: quickWait }, credential),
		);
		expect(waited.error).toBeUndefined();
		const [result] = waited.output('Alovoice');
		expect(result.json).toMatchObject({ callId: 'call-1001', ready: true, aicallid: sendItem.json.aicallid });
		expect((result.json.transcript as unknown[]).length).toBeGreaterThan(0);
	});

	it('keeps the fields Alovoice sends and its description does not show, in otherFields, each named in warnings', async () => {
		const { n8n, credential } = setUp(sandbox());
		expect((await n8n.run(alovoiceWorkflow([{}], analyzeAndWait('call-1001'), credential))).error).toBeUndefined();
		const fields = { 'answer.operator_id': 'op-7', 'answer.stalk.0.emotion': 'calm', 'answer.tags.1.weight': 2 };
		sandbox().control.addFault({ path: '/callgetairesult/*', times: 2, fault: { type: 'add-fields', fields } });
		const getResult = (simplify: boolean) => ({ resource: 'callAnalysis', operation: 'getResult', callId: 'call-1001', simplify });

		const raw = (await n8n.run(alovoiceWorkflow([{}], getResult(false), credential))).output('Alovoice')[0].json;
		const simplified = (await n8n.run(alovoiceWorkflow([{}], getResult(true), credential))).output('Alovoice')[0].json;

		const stalk = raw.stalk as IDataObject[];
		const tags = raw.tags as IDataObject[];
		expect(stalk[0].emotion).toBe('calm');
		expect(simplified).toMatchObject({
			ready: true,
			otherFields: {
				stalk: [{ emotion: 'calm' }, ...stalk.slice(1).map(() => null)],
				tags: [null, { weight: 2 }, ...tags.slice(2).map(() => null)],
				operator_id: 'op-7',
			},
		});
		expect(simplified.warnings).toEqual([
			'Unknown field "stalk[].emotion" kept in otherFields.stalk[].emotion',
			'Unknown field "tags[].weight" kept in otherFields.tags[].weight',
			'Unknown field "operator_id" kept in otherFields.operator_id',
		]);
	});

	it('Analyze and Wait sends the call and polls until the result is ready', async () => {
		const { n8n, credential } = setUp(sandbox());

		const result = await n8n.run(alovoiceWorkflow([{}], analyzeAndWait('call-1001'), credential));

		expect(result.error).toBeUndefined();
		expect(result.output('Alovoice')[0].json).toMatchObject({ callId: 'call-1001', ready: true });
		const [call] = sandbox().control.alovoice.calls();
		expect(call.polls).toBeGreaterThanOrEqual(3);
		// With the backoff, far fewer polls than 150 ms / 20 ms would need.
		expect(call.polls).toBeLessThan(8);
	});

	it('waits for several calls at the same time (Concurrency), keeping the input order', async () => {
		const { n8n, credential } = setUp(sandbox());
		const items = [{ callId: 'call-1001' }, { callId: 'call-1002' }];
		const waitOptions = { ...quickWait, concurrency: 2 };

		const result = await n8n.run(alovoiceWorkflow(items, analyzeAndWait('={{ $json.callId }}', { waitOptions }), credential));

		expect(result.error).toBeUndefined();
		expect(result.output('Alovoice').map((item) => [item.json.callId, item.json.ready, item.pairedItem])).toEqual([
			['call-1001', true, { item: 0 }],
			['call-1002', true, { item: 1 }],
		]);
		const paths = sandbox().control.requests().map((request) => request.path);
		const lastPollOfFirst = paths.map((path) => path.endsWith('/call-1001')).lastIndexOf(true);
		// The second call was sent while the first was still being waited for.
		expect(paths.findIndex((path) => path.endsWith('/call-1002'))).toBeLessThan(lastPollOfFirst);
	});

	it.each([
		['Analyze and Wait', analyzeAndWait('={{ $json.callId }}', { waitOptions: { pollIntervalSeconds: 30, maxWaitSeconds: 600 } })],
		[
			'Get Result with Wait Until Ready',
			{ resource: 'callAnalysis', operation: 'getResult', callId: '={{ $json.callId }}', waitUntilReady: true, waitOptions: { pollIntervalSeconds: 30 } },
		],
	])('%s stops waiting, for every item, as soon as the execution is stopped', async (_operation, parameters) => {
		sandbox().control.alovoice.setReadyAfterMs(null);
		const { n8n, credential } = setUp(sandbox());
		const items = [{ callId: 'call-1001' }, { callId: 'call-1002' }, { callId: 'call-1001' }];
		// Sent before, so that Get Result finds the calls under analysis.
		await n8n.run(alovoiceWorkflow(items, { resource: 'callAnalysis', operation: 'send', callId: '={{ $json.callId }}' }, credential));
		const execution = n8n.start(alovoiceWorkflow(items, parameters, credential));
		const polls = () => sandbox().control.requests().filter((request) => request.path.startsWith('/callgetairesult/')).length;
		while (polls() === 0) await new Promise((resolve) => setTimeout(resolve, 10));

		const stoppedAt = Date.now();
		execution.stop();
		await execution.finished;
		const tookMs = Date.now() - stoppedAt;
		// A poll already on the wire when Stop was pressed may still reach the sandbox.
		await new Promise((resolve) => setTimeout(resolve, 200));
		const pollsWhenStopped = polls();
		await new Promise((resolve) => setTimeout(resolve, 500));

		expect(tookMs).toBeLessThan(3000);
		expect(polls()).toBe(pollsWhenStopped);
	});

	it('gives a clear timeout error when the result never becomes ready', async () => {
		sandbox().control.alovoice.setReadyAfterMs(null);
		const { n8n, credential } = setUp(sandbox());
		const parameters = analyzeAndWait('call-1001', { waitOptions: { ...quickWait, maxWaitSeconds: 0.2 } });

		const started = Date.now();
		const failing = await n8n.run(alovoiceWorkflow([{}], parameters, credential));

		expect(Date.now() - started).toBeLessThan(2000);
		expect(failing.error?.message).toBe(
			'The Alovoice analysis of call "call-1001" was not ready after 0.2 seconds [item 0]',
		);
		expect(failing.error?.description).toContain('raise "Max Wait"');

		const continuing = await n8n.run(
			alovoiceWorkflow([{}], parameters, credential, { onError: 'continueRegularOutput' }),
		);
		expect(continuing.output('Alovoice')).toEqual([
			{ json: expect.objectContaining({ error: expect.stringContaining('was not ready') }), pairedItem: { item: 0 } },
		]);
	});

	it('never shows a wrong token: not in the error, the output or the logs', async () => {
		const token = 'SECRET-alovoice-token-5b81d';
		const logs = captureLogs();
		try {
			const { n8n, credential } = setUp(sandbox(), { token });

			const failing = await n8n.run(alovoiceWorkflow([{}], analyzeAndWait('call-1001'), credential));
			const continuing = await n8n.run(
				alovoiceWorkflow([{}], analyzeAndWait('call-1001'), credential, { onError: 'continueRegularOutput' }),
			);

			expect(failing.error?.message).toBe('Alovoice answered with HTTP 401: Invalid token [item 0]');
			expect(failing.error?.description).toContain('Check the token in the Alovoice credential');
			expect(continuing.output('Alovoice')[0].json.error).toBe(failing.error?.message);
			const everything = [everyText(failing.error), everyText(failing.run), everyText(continuing.run), logs.lines.join('\n')];
			expect(everything.join('\n')).not.toContain(token);
			expect(sandbox().control.requests().map((request) => request.path)).toContain(`/callsendai/${token}/call-1001`);
		} finally {
			logs.restore();
		}
	});

	it('never shows the token when the host cannot be reached', async () => {
		const token = 'SECRET-alovoice-token-closed-port';
		const logs = captureLogs();
		try {
			const { n8n, credential } = setUp(sandbox(), { token, baseUrl: 'http://127.0.0.1:9' });

			const result = await n8n.run(alovoiceWorkflow([{}], analyzeAndWait('call-1001'), credential));

			expect(result.error?.message).toBe(
				'Could not complete the request to Alovoice: the connection was refused [item 0]',
			);
			expect([everyText(result.error), everyText(result.run), logs.lines.join('\n')].join('\n')).not.toContain(token);
		} finally {
			logs.restore();
		}
	});

	it('reports an unknown call ID for its item', async () => {
		const { n8n, credential } = setUp(sandbox());

		const result = await n8n.run(alovoiceWorkflow([{}], analyzeAndWait('call-9999'), credential));

		expect(result.error?.message).toBe('Alovoice answered: Call not found [item 0]');
		expect(result.error?.description).toContain('Check the call ID "call-9999"');
	});

	it('turns an nginx 502 HTML page into a readable error', async () => {
		sandbox().control.addFault({ path: '/callgetairesult/*', fault: { type: 'http', status: 502, body: NGINX_502_PAGE } });
		const { n8n, credential } = setUp(sandbox());

		const result = await n8n.run(alovoiceWorkflow([{}], analyzeAndWait('call-1001'), credential));

		expect(result.error?.message).toBe(
			'Alovoice answered with HTTP 502 and a page that is not JSON (the server in front of Alovoice reported a problem) [item 0]',
		);
		expect(result.error?.description).toContain('Retry On Fail');
		expect(everyText(result.error)).not.toContain('<html>');
		expect(everyText(result.error)).not.toContain(sandbox().alovoiceToken);
	});

	it('simplifies a realistic Uzbek and Russian answer: ordered transcript, readable text, fired and missed rules', async () => {
		sandbox().control.alovoice.setReadyAfterMs(0);
		const { n8n, credential } = setUp(sandbox());

		const result = await n8n.run(
			alovoiceWorkflow([{ id: 'greeted' }, { id: 'not greeted' }], analyzeAndWait('={{ $itemIndex ? "call-1002" : "call-1001" }}'), credential),
		);

		expect(result.error).toBeUndefined();
		const [greeted, notGreeted] = result.output('Alovoice');
		expect(greeted.pairedItem).toEqual({ item: 0 });
		expect(notGreeted.pairedItem).toEqual({ item: 1 });

		const transcript = greeted.json.transcript as Array<{ speaker: string; start: number; end: number; text: string }>;
		expect(transcript.slice(0, 4)).toEqual([
			{ speaker: 'agent', start: 1.12, end: 2.96, text: 'Assalomu alaykum' },
			{ speaker: 'customer', start: 4.72, end: 6.28, text: 'Assalomu alaykum, men buyurtmam haqida so‘ramoqchi edim' },
			{ speaker: 'agent', start: 7.4, end: 13.2, text: 'Albatta, buyurtma raqamini aytib bera olasizmi?' },
			{ speaker: 'customer', start: 14.1, end: 18.9, text: 'Да, номер заказа 48213, доставка должна была быть вчера' },
		]);
		expect(transcript.map((segment) => segment.start)).toEqual([...transcript.map((segment) => segment.start)].sort((a, b) => a - b));
		expect((greeted.json.text as string).split('\n').slice(0, 2)).toEqual([
			'Agent: Assalomu alaykum',
			'Customer: Assalomu alaykum, men buyurtmam haqida so‘ramoqchi edim',
		]);
		expect(greeted.json.tags).toEqual({
			fired: [
				{ name: 'Приветствие', matchText: 'assalomu alaykum', start: 1.12, end: 2.96 },
				{ name: 'Прощание', matchText: 'salomat bo‘ling, xayr', start: 29.6, end: 31.8 },
			],
			notFired: ['Нет представления компании', 'Нет дополнительной информации'],
		});
		expect((notGreeted.json.tags as { notFired: string[] }).notFired).toEqual(['Нет представления компании', 'Приветствие']);
	});

	it('gives Alovoice\'s own answer when Simplify is off', async () => {
		sandbox().control.alovoice.setReadyAfterMs(0);
		const { n8n, credential } = setUp(sandbox());

		const result = await n8n.run(alovoiceWorkflow([{}], analyzeAndWait('call-1001', { simplify: false }), credential));

		const [item] = result.output('Alovoice');
		expect(item.json).toMatchObject({ callId: 'call-1001', stereoaudio: '/stereo/call-1001', begin_time: expect.any(Number) });
		expect(item.json.stalk).toEqual(expect.arrayContaining([expect.objectContaining({ direction: 'operator', begin: 1120 })]));
	});

	it('with Continue On Fail, a bad item becomes an error item and the others go on, each linked to its input', async () => {
		sandbox().control.alovoice.setReadyAfterMs(0);
		const { n8n, credential } = setUp(sandbox());
		const items = [{ call: 'call-1001' }, { call: 'no-such-call' }, { call: '' }];

		const result = await n8n.run(
			alovoiceWorkflow(items, analyzeAndWait('={{ $json.call }}'), credential, { onError: 'continueRegularOutput' }),
		);

		expect(result.output('Alovoice')).toEqual([
			{ json: expect.objectContaining({ callId: 'call-1001', ready: true }), pairedItem: { item: 0 } },
			{ json: expect.objectContaining({ error: 'Alovoice answered: Call not found [item 1]' }), pairedItem: { item: 1 } },
			{ json: expect.objectContaining({ error: 'Call ID is empty [item 2]' }), pairedItem: { item: 2 } },
		]);
	});

	it('the greeting-alert example finds the missed greeting with the condition of its IF node', async () => {
		sandbox().control.alovoice.setReadyAfterMs(0);
		const { n8n, credential } = setUp(sandbox());
		const example = JSON.parse(
			readFileSync(join(__dirname, '..', '..', '..', 'examples', 'alovoice-greeting-alert.json'), 'utf8'),
		) as { nodes: INode[] };
		const analyze = example.nodes.find((node) => node.name === 'Analyze call') as INode;
		// The item the example's form gives when submitted as it is filled in.
		const form = example.nodes.find((node) => node.type === 'n8n-nodes-base.formTrigger') as INode;
		const fields = (form.parameters.formFields as { values: Array<{ fieldLabel: string; defaultValue: string }> }).values;
		const submitted = Object.fromEntries(fields.map((field) => [field.fieldLabel, field.defaultValue]));

		const result = await n8n.run(alovoiceWorkflow([submitted], analyze.parameters, credential));

		const [item] = result.output('Alovoice');
		const fired = (item.json.tags as { fired: Array<{ name: string }> }).fired;
		// The IF node's expression, as the example has it.
		expect(fired.some((tag) => /привет/i.test(tag.name))).toBe(false);
		expect(item.json.text).toContain('Customer: Здравствуйте');
	});
});
