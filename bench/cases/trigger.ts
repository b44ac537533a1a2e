/**
 * Issue 7, measurement 5 (and the trigger half of 6), with issue 25's memory
 * and yardsticks: the sandbox posts analysis results, exactly as OMI would,
 * to an active OMI AI Trigger workflow and, side by side, to n8n's Webhook
 * node alone, to the hand-built equivalent (Webhook → Remove Duplicates →
 * Code) and to the bench's minimal community trigger. Rate: deliveries per
 * second from the first post until n8n counts every execution as finished.
 * Memory: the peak of n8n's RSS (main process) over the run minus its RSS
 * just before. Then every execution is read back and its tracking id
 * checked: none lost, none twice.
 */

import type { N8nServer } from '../../e2e/harness/n8nServer';
import { until } from '../../e2e/harness/suite';
import type { BenchEnv } from '../lib/env';
import { executionsAfter, finishedCount, inTurn, newestExecutionId, nodeRun, pool, sampled, unfinishedCount } from '../lib/measure';
import { cpuBetween, peakGrowth } from '../lib/proc';
import { ratios } from '../lib/report';
import { INTAKE_NODE, PARSE_NODE, handBuiltIntake, minimalIntake, oursIntake, webhookIntake } from '../lib/workflows';
import type { CaseContext } from './context';

export interface IntakeWorkflow {
	label: string;
	key: string;
	id: string;
	url: string;
	/** The node whose output items count: one per result that was not a repeat. */
	node: string;
	/** Where that node's item keeps the result's tracking id. */
	trackingIdOf: (json: Record<string, any>) => unknown;
}

export interface IntakeRun {
	/** From the first post until n8n counted every execution as finished. */
	totalMs: number;
	/** From the first post until the last one was answered. */
	answeredMs: number;
	cpuMs: number;
	/** Highest RSS of n8n's main process during the run minus its RSS just before, in bytes. */
	rssGrowth: number;
	lost: number;
	/** Tracking ids that started more than one execution, or that nobody sent. */
	unexpected: number;
	/** Deliveries the sandbox had to post more than once (the first answer was not a 2xx). */
	retried: number;
}

/**
 * Waits until `target` executions have finished and none is left running, or
 * until the count stops moving for `stallMs`. A post that timed out and was
 * sent again can start an extra execution that ends at once (a repeat), so
 * the count alone can reach the target while an execution with a result still runs.
 */
async function settle(n8n: N8nServer, workflowId: string, target: number, stallMs = 30_000): Promise<void> {
	let last = -1;
	let movedAt = Date.now();
	for (;;) {
		const count = await finishedCount(n8n, workflowId);
		if (count >= target && (await unfinishedCount(n8n, workflowId)) === 0) return;
		if (count !== last) [last, movedAt] = [count, Date.now()];
		if (Date.now() - movedAt > stallMs) return;
		await new Promise((resolve) => setTimeout(resolve, 100));
	}
}

/** Delivers `count` analysis results to the workflow, `concurrency` at a time, and checks what started. */
export async function deliver(env: BenchEnv, workflow: IntakeWorkflow, prefix: string, count: number, concurrency: number): Promise<IntakeRun> {
	const afterId = await newestExecutionId(env.n8n, workflow.id);
	const target = (await finishedCount(env.n8n, workflow.id)) + count;
	let retried = 0;
	const { value, samples, started, ended } = await sampled(env.pid(), async () => {
		const t0 = performance.now();
		await pool(count, concurrency, async (index) => {
			const record = await env.sandbox.control.deliver('analysis', `${prefix}-${index}`, workflow.url);
			if (record.attempts > 1 || !record.delivered) retried++;
		});
		const answeredMs = performance.now() - t0;
		await settle(env.n8n, workflow.id, target);
		return { answeredMs, totalMs: performance.now() - t0 };
	});

	const seen = new Map<string, number>();
	for (const execution of await executionsAfter(env.n8n, workflow.id, afterId)) {
		for (const item of nodeRun(execution, workflow.node).items) {
			const id = String(workflow.trackingIdOf(item));
			seen.set(id, (seen.get(id) ?? 0) + 1);
		}
	}
	const expected = Array.from({ length: count }, (_, index) => `${prefix}-${index}`);
	const lost = expected.filter((id) => !seen.has(id)).length;
	const unexpected = [...seen].filter(([id, times]) => times > 1 || !id.startsWith(`${prefix}-`)).length;
	return { ...value, cpuMs: cpuBetween(samples, started, ended), rssGrowth: peakGrowth(samples, -Infinity, Infinity, 'rssMain'), lost, unexpected, retried };
}

export interface Intakes {
	ours: IntakeWorkflow;
	webhook: IntakeWorkflow;
	handBuilt: IntakeWorkflow;
	minimal: IntakeWorkflow;
}

/** Every intake workflow, active: ours registered its own URL with the sandbox. */
export async function deployIntakes(env: BenchEnv): Promise<Intakes> {
	const ours = await env.deploy(oursIntake(env.credentials.omiCallApi));
	const registered = await until('the OMI AI Trigger to register its URL', () => env.sandbox.control.webhook().current ?? undefined);
	const webhook = await env.deploy(webhookIntake('bench-intake'));
	const handBuilt = await env.deploy(handBuiltIntake('bench-intake-hand-built'));
	const minimal = minimalIntake();
	const minimalId = await env.deploy(minimal.workflow);
	const atPath = (path: string) => `${env.n8n.baseUrl}/webhook/${path}`;
	const bodyTrackingId = (json: Record<string, any>) => json.body?.tracking_id;
	return {
		ours: { label: 'OMI AI Trigger', key: 'ours', id: ours, url: registered, node: INTAKE_NODE, trackingIdOf: (json) => json.trackingId },
		webhook: { label: 'Webhook node', key: 'webhook', id: webhook, url: atPath('bench-intake'), node: INTAKE_NODE, trackingIdOf: bodyTrackingId },
		handBuilt: {
			label: 'Webhook → Remove Duplicates → Code',
			key: 'hand-built',
			id: handBuilt,
			url: atPath('bench-intake-hand-built'),
			node: PARSE_NODE,
			trackingIdOf: (json) => json.trackingId,
		},
		minimal: {
			label: 'minimal community trigger',
			key: 'minimal',
			id: minimalId,
			url: atPath(minimal.path),
			node: INTAKE_NODE,
			trackingIdOf: (json) => json.tracking_id,
		},
	};
}

/** How much more n8n's RSS may grow for the OMI AI Trigger than for the Webhook node over the same deliveries (issue 25). */
export const RSS_ALLOWANCE_MB = 100;

const MB = 1024 * 1024;

export async function triggerIntake({ env, config, results, log }: CaseContext): Promise<void> {
	const { deliveries, concurrency, warmUp } = config.trigger;
	const intakes = await deployIntakes(env);
	const { ours, webhook, handBuilt, minimal } = intakes;
	const variants = [ours, webhook, handBuilt, minimal];
	for (const workflow of variants) await deliver(env, workflow, `intake-warm-up-${workflow.key}`, warmUp, concurrency);

	const section = `5. Trigger intake, ${deliveries} analysis results, ${concurrency} at a time`;
	const RATE = 'deliveries per second, until every execution finished';
	const RSS = 'n8n RSS growth (main process, peak during the run)';
	for (let run = 0; run < config.runs; run++) {
		for (const workflow of inTurn(variants, run)) {
			log(`${deliveries} deliveries, run ${run + 1}/${config.runs}: ${workflow.label}`);
			const measured = await deliver(env, workflow, `intake-${workflow.key}-r${run}`, deliveries, concurrency);
			results.record(section, RATE, workflow.label, '/s', (deliveries * 1000) / measured.totalMs);
			results.record(section, 'answers per second (intake only)', workflow.label, '/s', (deliveries * 1000) / measured.answeredMs);
			results.record(section, 'n8n CPU per delivery (intake and execution)', workflow.label, 'ms/item', measured.cpuMs / deliveries);
			results.record(section, RSS, workflow.label, 'MB', measured.rssGrowth / MB);
			results.record(section, 'lost (no execution with its tracking id)', workflow.label, '', measured.lost);
			results.record(section, 'started twice, or unknown tracking id', workflow.label, '', measured.unexpected);
			results.record(section, 'posted more than once (first answer not 2xx)', workflow.label, '', measured.retried);
		}
	}

	const rate = (workflow: IntakeWorkflow) => results.values(section, RATE, workflow.label);
	const rss = (workflow: IntakeWorkflow) => results.values(section, RSS, workflow.label);
	results.check({
		id: '5',
		target: `${deliveries} deliveries: OMI AI Trigger ÷ Webhook node, deliveries per second ≥ 0.9`,
		unit: '×',
		values: ratios(rate(ours), rate(webhook)),
		bound: { atLeast: 0.9 },
	});
	results.check({
		id: '25',
		target: `${deliveries} deliveries: OMI AI Trigger ÷ Webhook → Remove Duplicates → Code, deliveries per second ≥ 1.0`,
		unit: '×',
		values: ratios(rate(ours), rate(handBuilt)),
		bound: { atLeast: 1 },
	});
	results.check({
		id: '25',
		target: `${deliveries} deliveries: OMI AI Trigger ÷ minimal community trigger, deliveries per second ≥ 0.9`,
		unit: '×',
		values: ratios(rate(ours), rate(minimal)),
		bound: { atLeast: 0.9 },
	});
	results.check({
		id: '25',
		target: `${deliveries} deliveries: n8n RSS growth, OMI AI Trigger − Webhook node ≤ ${RSS_ALLOWANCE_MB} MB`,
		unit: 'MB',
		values: rss(ours).map((growth, index) => growth - rss(webhook)[index]),
		bound: { atMost: RSS_ALLOWANCE_MB },
	});
	results.check({
		id: '5',
		target: `${deliveries} deliveries to the OMI AI Trigger: 0 lost (and none started twice)`,
		unit: '',
		values: results
			.values(section, 'lost (no execution with its tracking id)', ours.label)
			.map((lost, index) => lost + results.values(section, 'started twice, or unknown tracking id', ours.label)[index]),
		bound: { atMost: 0 },
	});
}
