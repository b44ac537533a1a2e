/** Running work under the sampler, and reading what n8n recorded about it. */

import type { N8nServer } from '../../e2e/harness/n8nServer';
import { type Execution, until } from '../../e2e/harness/suite';
import { type Sample, startSampling } from './proc';

export interface Sampled<T> {
	value: T;
	/** Readings of n8n's process tree, the first just before the work (the baseline). */
	samples: Sample[];
	/** Epoch ms. */
	started: number;
	ended: number;
}

/** Runs `work` while the process tree of `pid` is sampled every 50 ms. */
export async function sampled<T>(pid: number, work: () => Promise<T>): Promise<Sampled<T>> {
	const sampler = await startSampling(pid);
	const started = Date.now();
	try {
		const value = await work();
		const ended = Date.now();
		return { value, samples: await sampler.stop(), started, ended };
	} catch (error) {
		await sampler.stop();
		throw error;
	}
}

export interface NodeRun {
	/** Epoch ms when n8n started the node. */
	startTime: number;
	/** Milliseconds n8n measured for the node. */
	executionTime: number;
	items: Array<Record<string, any>>;
}

/** One node's run as n8n recorded it in the execution. */
export function nodeRun(execution: Execution, nodeName: string): NodeRun {
	const runs = execution.data?.resultData.runData[nodeName] as
		| Array<{ startTime: number; executionTime: number; data?: { main: Array<Array<{ json: Record<string, any> }>> } }>
		| undefined;
	const run = runs?.[0];
	if (!run) throw new Error(`execution ${execution.id} has no run of node "${nodeName}" (status ${execution.status})`);
	return {
		startTime: run.startTime,
		executionTime: run.executionTime,
		items: (run.data?.main[0] ?? []).map((item) => item.json),
	};
}

/** Deletes an execution, and with it its binary data (hundreds of MB after a large upload). */
export async function deleteExecution(n8n: N8nServer, id: string): Promise<void> {
	const deleted = await n8n.api('DELETE', `/executions/${id}`);
	if (!deleted.ok) throw new Error(`DELETE /executions/${id}: HTTP ${deleted.status} ${JSON.stringify(deleted.body)}`);
}

/** The id of a workflow's newest execution, 0 when it has none. */
export async function newestExecutionId(n8n: N8nServer, workflowId: string): Promise<number> {
	const page = await n8n.api<{ data: Execution[] }>('GET', `/executions?workflowId=${workflowId}&limit=1`);
	return Number(page.body.data?.[0]?.id ?? 0);
}

/** The newest execution of a workflow, once one newer than `afterId` has finished. */
export async function latestExecution(n8n: N8nServer, workflowId: string, afterId: number, withData = true): Promise<Execution> {
	return await until(`a finished execution of workflow ${workflowId}`, async () => {
		const page = await n8n.api<{ data: Execution[] }>(
			'GET',
			`/executions?workflowId=${workflowId}&limit=1&includeData=${withData}`,
		);
		const [newest] = page.body.data ?? [];
		if (!newest || Number(newest.id) <= afterId || !['success', 'error', 'crashed'].includes(newest.status)) return undefined;
		return newest;
	});
}

/** Every execution of a workflow newer than `afterId`, with its data (the API lists newest first). */
export async function executionsAfter(n8n: N8nServer, workflowId: string, afterId: number): Promise<Execution[]> {
	const found: Execution[] = [];
	let cursor: string | undefined;
	for (;;) {
		const page = await n8n.api<{ data: Execution[]; nextCursor?: string | null }>(
			'GET',
			`/executions?workflowId=${workflowId}&includeData=true&limit=250${cursor ? `&cursor=${cursor}` : ''}`,
		);
		if (!page.ok) throw new Error(`GET /executions: HTTP ${page.status} ${JSON.stringify(page.body)}`);
		const newer = page.body.data.filter((execution) => Number(execution.id) > afterId);
		found.push(...newer);
		cursor = page.body.nextCursor ?? undefined;
		if (!cursor || newer.length < page.body.data.length) return found;
	}
}

/** How many executions of a workflow have finished (success, error or crashed), counted by n8n. */
export async function finishedCount(n8n: N8nServer, workflowId: string): Promise<number> {
	return await countWithStatus(n8n, workflowId, ['success', 'error', 'crashed']);
}

/** How many executions of a workflow n8n has started but not finished. */
export async function unfinishedCount(n8n: N8nServer, workflowId: string): Promise<number> {
	return await countWithStatus(n8n, workflowId, ['new', 'running']);
}

async function countWithStatus(n8n: N8nServer, workflowId: string, status: string[]): Promise<number> {
	const filter = encodeURIComponent(JSON.stringify({ workflowId, status }));
	const answer = await n8n.rest<{ data: { count: number } }>('GET', `/rest/executions?filter=${filter}&limit=1`);
	if (!answer.ok) throw new Error(`GET /rest/executions: HTTP ${answer.status} ${JSON.stringify(answer.body)}`);
	return answer.body.data.count;
}

/** Runs `task` over 0..count-1 with at most `concurrency` at a time. */
export async function pool(count: number, concurrency: number, task: (index: number) => Promise<void>): Promise<void> {
	let next = 0;
	const lane = async () => {
		while (next < count) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
}

/** The variants of one repetition, in alternating order, so that neither always runs first. */
export function inTurn<T>(variants: T[], run: number): T[] {
	return run % 2 === 0 ? variants : [...variants].reverse();
}
