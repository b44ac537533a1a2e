/**
 * What the kernel says about a process and its descendants: resident memory
 * (sampled from /proc/<pid>/status on a worker thread, so that a busy event
 * loop in the bench process cannot make it skip the peak) and CPU time.
 * Linux only, plain Node APIs.
 */

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';

import { rssOf } from '../../e2e/harness/memory';

/** The pid and every live descendant (n8n's task runner, a curl process). */
export function processTree(rootPid: number): number[] {
	const pids: number[] = [];
	const pending = [rootPid];
	while (pending.length > 0) {
		const pid = pending.pop() as number;
		pids.push(pid);
		try {
			for (const task of readdirSync(`/proc/${pid}/task`)) {
				const children = readFileSync(`/proc/${pid}/task/${task}/children`, 'utf8').trim();
				if (children) pending.push(...children.split(/\s+/).map(Number));
			}
		} catch {
			// the process ended meanwhile
		}
	}
	return pids;
}

/** Resident set size in bytes, 0 when the process is gone. */
export const rssBytes = rssOf;

const TICKS_PER_SECOND = 100; // getconf CLK_TCK on Linux/x86-64 and arm64

/** User + system CPU milliseconds of the process and its live descendants. */
export function cpuMs(rootPid: number): number {
	let ticks = 0;
	for (const pid of processTree(rootPid)) {
		try {
			const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
			// Fields after the command name, which may itself hold spaces and parentheses.
			const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
			ticks += Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
		} catch {
			// gone
		}
	}
	return (ticks * 1000) / TICKS_PER_SECOND;
}

/** One reading of a process tree: epoch ms, RSS bytes of the main process and of the tree, CPU ms of the tree. */
export interface Sample {
	at: number;
	rssMain: number;
	rssTree: number;
	cpuMs: number;
}

export function readSample(rootPid: number): Sample {
	return { at: Date.now(), rssMain: rssBytes(rootPid), rssTree: treeRssBytes(rootPid), cpuMs: cpuMs(rootPid) };
}

/** RSS of the process and its descendants, in bytes. */
export function treeRssBytes(rootPid: number): number {
	return processTree(rootPid).reduce((sum, pid) => sum + rssBytes(pid), 0);
}

/** Worker threads do not go through tsx's loader by themselves: this registers it, then loads the sampler. */
const SAMPLER_BOOT = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); require(${JSON.stringify(join(__dirname, 'sampler.worker.ts'))});`;

/**
 * Reads the process tree of `pid` every `intervalMs` on a worker thread.
 * Resolves once sampling runs; stop() resolves with every sample, the first
 * one taken just before this resolved (the baseline).
 */
export async function startSampling(pid: number, intervalMs = 50): Promise<{ stop: () => Promise<Sample[]> }> {
	const worker = new Worker(SAMPLER_BOOT, { eval: true, workerData: { pid, intervalMs } });
	// The worker speaks twice: "running" (an empty list), then the samples after "stop".
	const nextMessage = () =>
		new Promise<Sample[]>((resolve, reject) => {
			worker.once('message', resolve);
			worker.once('error', reject);
		});
	await nextMessage();
	const baseline = readSample(pid);
	return {
		async stop() {
			const reply = nextMessage();
			worker.postMessage('stop');
			const samples = await reply;
			await worker.terminate();
			return [baseline, ...samples.filter((sample) => sample.at >= baseline.at)];
		},
	};
}

/** Samples inside [from, to] (epoch ms), plus the last one before and the first one after, which bound it. */
function around(samples: Sample[], from: number, to: number): Sample[] {
	const first = Math.max(0, samples.findIndex((sample) => sample.at >= from) - 1);
	const afterEnd = samples.findIndex((sample) => sample.at > to);
	return samples.slice(first, afterEnd === -1 ? samples.length : afterEnd + 1);
}

/**
 * Highest RSS of the tree (bytes) while [from, to] lasted, minus the first
 * sample, taken before the work began. Without a window, the whole run.
 */
export function peakGrowth(samples: Sample[], from = -Infinity, to = Infinity, which: 'rssTree' | 'rssMain' = 'rssTree'): number {
	const inside = around(samples, from, to);
	return Math.max(...inside.map((sample) => sample[which])) - samples[0][which];
}

/** CPU ms the tree used between two epoch-ms instants, interpolated between samples. */
export function cpuBetween(samples: Sample[], from: number, to: number): number {
	const at = (time: number) => {
		const next = samples.findIndex((sample) => sample.at >= time);
		if (next <= 0) return next === 0 ? samples[0].cpuMs : samples[samples.length - 1].cpuMs;
		const [a, b] = [samples[next - 1], samples[next]];
		return a.cpuMs + ((b.cpuMs - a.cpuMs) * (time - a.at)) / Math.max(1, b.at - a.at);
	};
	return at(to) - at(from);
}
