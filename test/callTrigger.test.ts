import { randomUUID } from 'node:crypto';

import type { INodeCredentialsDetails, INodeParameters } from 'n8n-workflow';

import type { WorkflowJson } from './harness/engine';
import { TestPoller } from './harness/poller';
import { n8nWithOmiCredential, useSandbox } from './harness/sandbox';

const TRIGGER = 'OMICall Trigger';

function triggerWorkflow(parameters: INodeParameters, credential: INodeCredentialsDetails): WorkflowJson {
	return {
		nodes: [
			{
				id: randomUUID(),
				name: TRIGGER,
				type: 'n8n-nodes-omicall.omiCallTrigger',
				typeVersion: 1,
				position: [0, 0],
				parameters: { pollTimes: { item: [{ mode: 'everyMinute' }] }, ...parameters },
				credentials: { omiCallApi: credential },
			},
		],
		connections: {},
	};
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('OMICall Trigger', () => {
	const sandbox = useSandbox();

	function setUp(parameters: INodeParameters = {}) {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		const poller = new TestPoller(n8n, triggerWorkflow(parameters, credential));
		/** The call IDs of every execution so far, in order. */
		const emitted = () => poller.executions.flatMap((execution) => execution.output(TRIGGER).map((item) => item.json.callId as string));
		return { poller, emitted };
	}

	const startFromPast = { options: { startFrom: new Date(Date.now() - 86_400_000).toISOString() } };

	it('emits nothing from the past at first activation, then each new call once', async () => {
		sandbox().control.addCalls([{}, {}, { appearAfterMs: 0 }]);
		const { poller, emitted } = setUp();

		await poller.activate();
		await poller.poll();
		expect(emitted()).toEqual([]);

		const [fresh] = sandbox().control.addCalls([{}]);
		await poller.poll();
		await poller.poll();

		expect(emitted()).toEqual([fresh.id]);
		expect(poller.executions).toHaveLength(1);
		expect(poller.executions[0].output(TRIGGER)[0].json).toEqual(
			expect.objectContaining({ callId: fresh.id, disposition: 'answered', recordingUrl: expect.stringContaining(`/recordings/${fresh.id}.wav`) }),
		);
	});

	it('with a start time, emits the backlog across pages, oldest first, and none of it again', async () => {
		const now = Date.now();
		const calls = sandbox().control.addCalls(Array.from({ length: 130 }, (_, i) => ({ endedAt: now - i * 1000, talkSeconds: 30 })));
		const { poller, emitted } = setUp(startFromPast);

		await poller.activate();
		await poller.poll();

		expect(emitted()).toEqual(calls.map((call) => call.id).reverse());
		const searches = sandbox().control.requests().filter((r) => r.path === '/api/v2/callTransaction/search');
		expect(searches.length).toBeGreaterThanOrEqual(3);
		expect(searches.every((r) => r.query.size === '50')).toBe(true);
	});

	it('emits only the calls its filters ask for, and a call once its recording is attached', async () => {
		const { poller, emitted } = setUp({
			answeredOnly: true,
			withRecordingOnly: true,
			minTalkSeconds: 20,
			filters: { directions: ['inbound'], sipUsers: '101, 102', sipNumbers: '02873001234' },
			...startFromPast,
		});
		const base = { direction: 'inbound' as const, agentExtension: '101', hotline: '02873001234', talkSeconds: 30 };
		const calls = sandbox().control.addCalls([
			base,
			{ ...base, agentExtension: '102' },
			{ ...base, answered: false },
			{ ...base, recording: false },
			{ ...base, talkSeconds: 19 },
			{ ...base, direction: 'outbound' },
			{ ...base, agentExtension: '103' },
			{ ...base, hotline: '02473005678' },
			{ ...base, recordingAfterMs: 500 },
		]);

		await poller.activate();
		expect(emitted().sort()).toEqual([calls[0].id, calls[1].id].sort());
		await sleep(550);
		await poller.poll();
		await poller.poll();

		expect(emitted().slice(2)).toEqual([calls[8].id]);
	});

	it('emits a call that appears in the history late, and calls of the same second, each once', async () => {
		const { poller, emitted } = setUp();
		await poller.activate();
		const endedAt = Date.now();
		const sameSecond = sandbox().control.addCalls([
			{ endedAt, talkSeconds: 40 },
			{ endedAt, talkSeconds: 40 },
			{ endedAt, talkSeconds: 40, appearAfterMs: 400 },
			{ endedAt, talkSeconds: 40, appearAfterMs: 400 },
		]);

		await poller.poll();
		expect(emitted().sort()).toEqual([sameSecond[0].id, sameSecond[1].id].sort());
		await sleep(450);
		await poller.poll();
		await poller.poll();

		expect(emitted().slice(2).sort()).toEqual([sameSecond[2].id, sameSecond[3].id].sort());
		expect(new Set(emitted()).size).toBe(4);
	});

	it('loses nothing when a poll fails half way, by a 503 or a reset, and repeats nothing after it', async () => {
		const { poller, emitted } = setUp();
		await poller.activate();
		const calls = sandbox().control.addCalls(Array.from({ length: 120 }, () => ({})));
		sandbox().control.addFault({ path: '/api/v2/callTransaction/search', skip: 1, times: 1, fault: { type: 'http', status: 503 } });
		sandbox().control.addFault({ path: '/api/v2/callTransaction/search', skip: 3, times: 1, fault: { type: 'drop' } });

		await poller.poll();
		expect(poller.pollErrors).toHaveLength(1);
		expect(poller.pollErrors[0].message).toMatch(/Service Unavailable|HTTP 503/);
		await poller.poll();
		expect(poller.pollErrors).toHaveLength(2);
		expect(poller.pollErrors[1].message).toMatch(/^Could not complete the request to OMI/);
		expect(emitted()).toEqual([]);

		await poller.poll();
		await poller.poll();
		expect(emitted().sort()).toEqual(calls.map((call) => call.id).sort());
	});

	it('emits each call once when newer calls push older ones onto the next page while it reads', async () => {
		const { poller, emitted } = setUp();
		await poller.activate();
		const first = sandbox().control.addCalls(Array.from({ length: 60 }, () => ({})));
		sandbox().control.addFault({ path: '/api/v2/callTransaction/search', skip: 1, times: 1, fault: { type: 'latency', ms: 300 } });

		const polling = poller.poll();
		await sleep(100);
		const meanwhile = sandbox().control.addCalls([{}, {}, {}]);
		await polling;
		await poller.poll();

		expect(emitted()).toHaveLength(63);
		expect(new Set(emitted())).toEqual(new Set([...first, ...meanwhile].map((call) => call.id)));
	});

	it('across an n8n restart, emits neither a call twice nor misses one that came while n8n was down', async () => {
		const { poller, emitted } = setUp();
		await poller.activate();
		const before = sandbox().control.addCalls([{}, {}]);
		await poller.poll();
		// A poll that emits nothing changes the cursor in memory only, as in n8n; the restart loses that.
		await poller.poll();

		await poller.restart();
		const whileDown = sandbox().control.addCalls([{}, { appearAfterMs: 300 }]);
		await poller.restart();
		await sleep(350);
		await poller.poll();
		await poller.restart();
		await poller.poll();

		expect(emitted().sort()).toEqual([...before, ...whileDown].map((call) => call.id).sort());
	});

	it('Fetch Test Event returns the latest matching call and leaves the cursor alone', async () => {
		const now = Date.now();
		const [, latest] = sandbox().control.addCalls([
			{ endedAt: now - 60_000, talkSeconds: 30 },
			{ endedAt: now - 30_000, talkSeconds: 30 },
			{ endedAt: now - 10_000, answered: false },
		]);
		const { poller } = setUp({ answeredOnly: true });

		const run = await poller.fetchTestEvent();

		expect(run.data.resultData.error).toBeUndefined();
		const items = run.data.resultData.runData[TRIGGER][0].data!.main[0]!;
		expect(items.map((item) => item.json.callId)).toEqual([latest.id]);
		expect(poller.staticData()).toEqual({});
	});

	it('Fetch Test Event says so when no call matches', async () => {
		sandbox().control.addCalls([{ answered: false }]);
		const { poller } = setUp({ answeredOnly: true });

		const run = await poller.fetchTestEvent();

		expect(run.data.resultData.error?.message).toBe('No call of the last 7 days matches this trigger');
	});

	it('gives the raw record when Simplify is off', async () => {
		const { poller } = setUp({ simplify: false, ...startFromPast });
		const [call] = sandbox().control.addCalls([{ agentExtension: '104' }]);

		await poller.activate();

		expect(poller.executions[0].output(TRIGGER)[0].json).toEqual(
			expect.objectContaining({ transaction_id: call.id, sip_user: '104', disposition: 'answered' }),
		);
	});
});
