/**
 * Issue 16's performance: a backlog of new calls in OMICall's call history
 * (the sandbox) emitted by one poll of the OMICall Trigger, and the latency
 * of the automatic QA loop, from a call appearing in the history to its
 * Analyze Call upload arriving at the sandbox.
 *
 * A poll runs outside any execution, so n8n records no node time for it:
 * **poll time** is from the poll's first search request reaching the
 * sandbox until n8n starts the execution with the calls (the trigger
 * node's start in it), which is the node's own work plus the search answers.
 */

import { until } from '../../e2e/harness/suite';
import type { BenchEnv } from '../lib/env';
import { latestExecution, nodeRun, sampled } from '../lib/measure';
import { peakGrowth } from '../lib/proc';
import { CALL_TRIGGER_NODE, callTriggerAlone, callTriggerToAnalyze } from '../lib/workflows';
import type { CaseContext } from './context';

const SEARCH_PATH = '/api/v2/callTransaction/search';
/** n8n's shortest schedule for a polling trigger. */
const POLL_INTERVAL_MS = 60_000;

async function deactivate(env: BenchEnv, id: string): Promise<void> {
	const answer = await env.n8n.api('POST', `/workflows/${id}/deactivate`);
	if (!answer.ok) throw new Error(`deactivate ${id}: HTTP ${answer.status}`);
}

/** One backlog: `count` calls of a fresh agent extension, emitted by the activation's poll. */
async function backlogRun(env: BenchEnv, count: number, extension: string) {
	const startFrom = new Date(Date.now() - 3_600_000).toISOString();
	const now = Date.now();
	const calls = env.sandbox.control.addCalls(
		Array.from({ length: count }, (_, index) => ({ agentExtension: extension, endedAt: now - index * 200, talkSeconds: 30 })),
	);
	const workflow = callTriggerAlone(env.credentials.omiCallApi, extension, startFrom);
	const created = await env.n8n.api<{ id: string }>('POST', '/workflows', workflow);
	if (!created.ok) throw new Error(`POST /workflows: HTTP ${created.status}`);
	const id = created.body.id;
	// By time, not by index: the sandbox's request log is capped, and once full its length no longer grows.
	const activatedAt = Date.now();
	const { value: execution, samples } = await sampled(env.pid(), async () => {
		const activated = await env.n8n.api('POST', `/workflows/${id}/activate`);
		if (!activated.ok) throw new Error(`activate: HTTP ${activated.status} ${JSON.stringify(activated.body)}`);
		return await latestExecution(env.n8n, id, 0);
	});
	await deactivate(env, id);

	const searches = env.sandbox.control.requests().filter((request) => request.path === SEARCH_PATH && request.at >= activatedAt);
	if (searches.length === 0) throw new Error(`the sandbox logged no search request of the backlog poll (extension ${extension})`);
	const { startTime: startedAt, items } = nodeRun(execution, CALL_TRIGGER_NODE);
	const emitted = new Set(items.map((item) => item.callId as string));
	if (items.length !== count || calls.some((call) => !emitted.has(call.id))) {
		throw new Error(`the poll emitted ${items.length} items (${emitted.size} distinct) for ${count} calls`);
	}
	return {
		pollMs: startedAt - searches[0].at,
		pages: searches.length,
		rssGrowthMB: peakGrowth(samples, searches[0].at, startedAt) / 1024 / 1024,
	};
}

/**
 * Calls added one by one at random phases of the schedule: for each, the
 * wait from appearing in the history until its upload arrived, and the part
 * of it after the poll that found it began.
 */
async function loopLatencies(env: BenchEnv, samples: number): Promise<Array<{ totalMs: number; afterPollMs: number }>> {
	const extension = '7999';
	const id = await env.deploy(callTriggerToAnalyze(env.credentials.omiCallApi, extension));
	// The activation's own poll marks the history as the past; let it finish.
	await until('the activation poll', () => (env.sandbox.control.stats().callSearches > 0 ? true : undefined));
	const latencies: Array<{ totalMs: number; afterPollMs: number }> = [];
	try {
		for (let index = 0; index < samples; index++) {
			await new Promise((resolve) => setTimeout(resolve, Math.random() * POLL_INTERVAL_MS));
			const [call] = env.sandbox.control.addCalls([{ agentExtension: extension, talkSeconds: 25 }]);
			const appeared = Date.now();
			const upload = await until(
				`the upload of call ${index + 1}`,
				() => env.sandbox.control.uploads().find((entry) => entry.trackingId === call.id),
				POLL_INTERVAL_MS + 30_000,
			);
			const poll = env.sandbox.control.requests().find((request) => request.path === SEARCH_PATH && request.at >= appeared);
			latencies.push({ totalMs: upload.receivedAt - appeared, afterPollMs: upload.receivedAt - (poll?.at ?? appeared) });
		}
	} finally {
		await deactivate(env, id);
	}
	return latencies;
}

export async function callPoll({ env, config, results, log }: CaseContext): Promise<void> {
	const { backlog, loopSamples } = config.callPoll;
	const section = `7. OMICall Trigger: ${backlog} new calls in one poll`;
	// The first run also loads the node's code and credential in n8n.
	await backlogRun(env, 20, '7000');
	for (let run = 0; run < config.runs; run++) {
		log(`backlog of ${backlog} calls, run ${run + 1}/${config.runs}`);
		const measured = await backlogRun(env, backlog, `71${run}0`);
		results.record(section, 'poll time (first search request → execution started)', 'OMICall Trigger', 'ms', measured.pollMs);
		results.record(section, 'search pages read', 'OMICall Trigger', '', measured.pages);
		results.record(section, 'n8n RSS growth during the poll', 'OMICall Trigger', 'MB', measured.rssGrowthMB);
	}
	results.check({
		id: '16',
		target: `${backlog} new calls emitted in one poll: poll time ≤ 5 s`,
		unit: 'ms',
		values: results.values(section, 'poll time (first search request → execution started)', 'OMICall Trigger'),
		bound: { atMost: 5000 },
	});
	results.check({
		id: '16',
		target: `${backlog} new calls in one poll: n8n RSS growth ≤ 100 MB`,
		unit: 'MB',
		values: results.values(section, 'n8n RSS growth during the poll', 'OMICall Trigger'),
		bound: { atMost: 100 },
	});

	log(`loop latency, ${loopSamples} calls, polled every ${POLL_INTERVAL_MS / 1000} s`);
	const loopSection = `8. Automatic QA loop: call in the history → Analyze Call upload (polled every minute)`;
	const latencies = await loopLatencies(env, loopSamples);
	for (const { totalMs, afterPollMs } of latencies) {
		results.record(loopSection, 'call appeared → upload arrived', 'OMICall Trigger → Analyze Call', 'ms', totalMs);
		results.record(loopSection, 'poll began → upload arrived', 'OMICall Trigger → Analyze Call', 'ms', afterPollMs);
	}
	results.check({
		id: '16',
		target: `loop latency ≤ one poll interval (${POLL_INTERVAL_MS / 1000} s) + 1 s, the slowest of ${loopSamples} calls`,
		unit: 'ms',
		values: [Math.max(...latencies.map((latency) => latency.totalMs))],
		bound: { atMost: POLL_INTERVAL_MS + 1000 },
	});
}
