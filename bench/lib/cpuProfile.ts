/**
 * Reads a V8 .cpuprofile (node --cpu-prof) and tells where the CPU went in a
 * time window: self time per function, and how much of it ran in, or below,
 * our package's code. Profile times are microseconds of the monotonic clock,
 * the one process.hrtime() reads, so windows are taken in this process.
 */

import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface ProfileNode {
	id: number;
	callFrame: { functionName: string; url: string; lineNumber: number };
	children?: number[];
}

interface CpuProfile {
	nodes: ProfileNode[];
	startTime: number;
	samples: number[];
	timeDeltas: number[];
}

/** A window on the monotonic clock, in microseconds. */
export interface Window {
	from: number;
	to: number;
}

export const monotonicMicros = () => Number(process.hrtime.bigint() / 1000n);

/** Epoch ms (as n8n records node start times) to this machine's monotonic µs. */
export function epochToMonotonic(epochMs: number): number {
	return monotonicMicros() - (Date.now() - epochMs) * 1000;
}

export interface FunctionTime {
	name: string;
	/** Package-relative file and line, e.g. "n8n-core/dist/…/index.js:120". */
	where: string;
	selfMs: number;
}

/** A named part of n8n's work, told by a frame on the sampled stack. */
export interface Part {
	label: string;
	test: (frame: ProfileNode['callFrame']) => boolean;
}

export interface WindowProfile {
	/** Sampled time in the window that was not idle. */
	busyMs: number;
	/** Per part: time of the samples with a matching frame on the stack (synchronous stacks only: an await cuts them). */
	parts: Array<{ label: string; ms: number }>;
	/** Self time in our package's files. */
	oursSelfMs: number;
	/** Time of samples with any frame of our package on the stack: our code and what it called. */
	oursInclusiveMs: number;
	top: FunctionTime[];
	topOurs: FunctionTime[];
}

const OUR_PACKAGE = '/node_modules/n8n-nodes-omicall/';
const NOT_BUSY = new Set(['(idle)', '(program)']);

function shortLocation(frame: ProfileNode['callFrame']): string {
	if (!frame.url) return '(native)';
	const path = frame.url.replace(/^file:\/\//, '');
	const at = path.lastIndexOf('/node_modules/');
	return `${at === -1 ? path : path.slice(at + '/node_modules/'.length)}:${frame.lineNumber + 1}`;
}

/** The main thread's profile that n8n (pid) wrote into `dir` when it stopped. */
export function readProfile(dir: string, pid: number): CpuProfile {
	const file = readdirSync(dir).find((name) => name.includes(`.${pid}.0.`) && name.endsWith('.cpuprofile'));
	if (!file) throw new Error(`no CPU profile of pid ${pid} in ${dir}: ${readdirSync(dir).join(', ') || '(empty)'}`);
	return JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile;
}

export function analyse(profile: CpuProfile, windows: Window[], parts: Part[] = [], topCount = 12): WindowProfile {
	const byId = new Map(profile.nodes.map((node) => [node.id, node]));

	const parent = new Map<number, number>();
	for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
	const ours = (id: number) => byId.get(id)!.callFrame.url.includes(OUR_PACKAGE);
	// For each test, whether a node or any of its callers matches; memoised per node.
	const onStack = (test: (id: number) => boolean) => {
		const memo = new Map<number, boolean>();
		const check = (id: number): boolean => {
			if (!memo.has(id)) {
				const up = parent.get(id);
				memo.set(id, test(id) || (up !== undefined && check(up)));
			}
			return memo.get(id)!;
		};
		return check;
	};
	const throughOurs = onStack(ours);
	const partChecks = parts.map((part) => onStack((id) => part.test(byId.get(id)!.callFrame)));
	const partMicros = parts.map(() => 0);

	const selfMicros = new Map<number, number>();
	let busy = 0;
	let inclusive = 0;
	let time = profile.startTime;
	profile.samples.forEach((id, index) => {
		time += profile.timeDeltas[index];
		// A sample stands for the interval up to the next one.
		const weight = profile.timeDeltas[index + 1] ?? 0;
		if (!windows.some((window) => time >= window.from && time <= window.to)) return;
		if (NOT_BUSY.has(byId.get(id)!.callFrame.functionName)) return;
		busy += weight;
		selfMicros.set(id, (selfMicros.get(id) ?? 0) + weight);
		if (throughOurs(id)) inclusive += weight;
		partChecks.forEach((check, index) => {
			if (check(id)) partMicros[index] += weight;
		});
	});

	// The same function appears under many call paths: add its nodes up.
	const perFunction = new Map<string, FunctionTime & { ours: boolean }>();
	for (const [id, micros] of selfMicros) {
		const frame = byId.get(id)!.callFrame;
		const where = shortLocation(frame);
		const key = `${frame.functionName}@${where}`;
		const entry = perFunction.get(key) ?? { name: frame.functionName || '(anonymous)', where, selfMs: 0, ours: ours(id) };
		entry.selfMs += micros / 1000;
		perFunction.set(key, entry);
	}
	const ranked = [...perFunction.values()].sort((a, b) => b.selfMs - a.selfMs);
	return {
		busyMs: busy / 1000,
		parts: parts.map((part, index) => ({ label: part.label, ms: partMicros[index] / 1000 })),
		oursSelfMs: ranked.filter((entry) => entry.ours).reduce((sum, entry) => sum + entry.selfMs, 0),
		oursInclusiveMs: inclusive / 1000,
		top: ranked.slice(0, topCount),
		topOurs: ranked.filter((entry) => entry.ours).slice(0, 6),
	};
}
