/**
 * Issue 7, measurement 6, and the profiles behind the gaps: a second n8n runs
 * under V8's sampling profiler (NODE_OPTIONS=--cpu-prof) and does, once each,
 * the workloads next to their baselines: Transcribe and the HTTP Request
 * node on one large and on many small recordings (the upload node's window), Start
 * Campaign (the node's window), and deliveries to our trigger and to the
 * Webhook node (first post to last execution). When n8n stops it writes the
 * profile; the samples inside each window say how much CPU ran in our
 * package's code (self), with our code on the stack (inclusive), in named
 * parts of n8n, and in which functions. It runs apart from the other
 * measurements: the profiler's own cost would blur them.
 */

import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import type { BenchConfig } from '../config';
import { type Part, type Window, type WindowProfile, analyse, epochToMonotonic, monotonicMicros, readProfile } from '../lib/cpuProfile';
import { type BenchEnv, startBenchEnv } from '../lib/env';
import { nodeRun } from '../lib/measure';
import { sandboxSecond, writeRecording } from '../lib/recordings';
import { type Results, markdownTable } from '../lib/report';
import { MB } from '../lib/stats';
import { CAMPAIGN_NODE, campaign, httpRequestUpload, oursUpload } from '../lib/workflows';
import { contacts } from './campaign';
import { type RecordingSet, writeRecordings } from './manyRecordings';
import { deliver, deployIntakes } from './trigger';
import { runUpload } from './uploadRun';

const SECTION = '6. Per-item CPU (profiled n8n, one run)';

const frame = (name: string, file: string): Part['test'] => (call) => call.functionName === name && call.url.includes(file);

/** Where n8n's time goes around our nodes: each part is found by a frame on the sampled stack. */
const PARTS: Part[] = [
	{ label: 'credentials loaded and decrypted (CredentialsHelper.getDecrypted)', test: frame('getDecrypted', 'credentials-helper') },
	{ label: 'a new expression isolate built (IsolatedVmBridge)', test: frame('IsolatedVmBridge', 'isolated-vm-bridge') },
	{ label: 'an expression run in the isolate (IsolatedVmBridge.execute)', test: frame('execute', 'isolated-vm-bridge') },
	{ label: "webhook body parsing, with typeVersion 1's binaryData expression (parseRequestBody)", test: frame('parseRequestBody', 'webhook-helpers') },
	{ label: 'node parameters read (getNodeParameter)', test: frame('_getNodeParameter', 'node-execution-context') },
	{ label: 'SQLite callbacks (all database work)', test: (call) => call.url.includes('/sqlite3/lib/') },
	{ label: 'garbage collection', test: (call) => call.functionName === '(garbage collector)' },
];

function profileTable(profile: WindowProfile, items: number): string {
	const row = (entry: WindowProfile['top'][number]) => [
		entry.selfMs.toFixed(0),
		`${((entry.selfMs / profile.busyMs) * 100).toFixed(1)} %`,
		`\`${entry.name}\``,
		`\`${entry.where}\``,
	];
	const header = ['Self ms', 'Share of busy', 'Function', 'Where'];
	return [
		`Busy (non-idle) main-thread time in the window: ${profile.busyMs.toFixed(0)} ms (${(profile.busyMs / items).toFixed(2)} ms per item); in our package: ${profile.oursSelfMs.toFixed(0)} ms self, ${profile.oursInclusiveMs.toFixed(0)} ms with our code on the stack.`,
		'',
		'Where the time went (samples with that part on the stack; parts overlap; an await cuts a stack):',
		'',
		markdownTable(
			['ms', 'ms per item', 'Share of busy', 'Part'],
			profile.parts.map((part) => [
				part.ms.toFixed(0),
				(part.ms / items).toFixed(2),
				`${((part.ms / profile.busyMs) * 100).toFixed(1)} %`,
				part.label,
			]),
		),
		'',
		'Hottest functions:',
		'',
		markdownTable(header, profile.top.map(row)),
		'',
		'Hottest functions of our package:',
		'',
		profile.topOurs.length ? markdownTable(header, profile.topOurs.map(row)) : '(none sampled)',
	].join('\n');
}

function record(results: Results, variant: string, profile: WindowProfile, items: number): void {
	results.record(SECTION, 'our package, self CPU per item', variant, 'ms/item', profile.oursSelfMs / items);
	results.record(SECTION, 'with our code on the stack, CPU per item', variant, 'ms/item', profile.oursInclusiveMs / items);
	results.record(SECTION, "n8n's busy main thread per item", variant, 'ms/item', profile.busyMs / items);
}

/** One profiled workload: what it is, how many items, and the window it ran in. */
interface Profiled {
	variant: string;
	title: string;
	items: number;
	window: Window;
	/** Whether the workload belongs in the per-item figures (one large upload does not). */
	perItem: boolean;
}

type Workload = (env: BenchEnv, config: BenchConfig, log: (line: string) => void) => Promise<Profiled[]>;

/** Our Transcribe and the HTTP Request node (batched like ours, or not), each on a workflow of its own. */
function uploadWorkflows(env: BenchEnv, name: string, batchSize?: number) {
	const uploadUrl = `${env.sandbox.url}/api/ai/speech_to_text`;
	const path = (who: string) => `bench-profile-${name}-${who}`;
	return [
		{ variant: 'OMI AI Transcribe, default concurrency', path: path('ours'), workflow: oursUpload(path('ours'), env.credentials.omiCallApi) },
		{
			variant: batchSize ? `HTTP Request node, batches of ${batchSize}` : 'HTTP Request node',
			path: path('http'),
			workflow: httpRequestUpload(path('http'), uploadUrl, env.sandbox.apiKey, batchSize),
		},
	];
}

/** Runs each upload workflow on `recordings` after a warm-up: the upload node's window. */
async function profileUploads(
	env: BenchEnv,
	log: (line: string) => void,
	workflows: ReturnType<typeof uploadWorkflows>,
	recordings: RecordingSet,
	what: string,
): Promise<Profiled[]> {
	const warmUp = await writeRecordings(env.sandbox.url, join(env.files, `warm-up-${workflows[0].path}`), 3, 200 * 1024);
	const profiled: Profiled[] = [];
	for (const { variant, path, workflow } of workflows) {
		const deployed = { id: await env.deploy(workflow), path };
		await runUpload(env, deployed, warmUp.glob, `profile-warm-up-${path}`, warmUp.expected);
		log(`profile: ${variant}, ${what}`);
		const upload = await runUpload(env, deployed, recordings.glob, `profile-${path}`, recordings.expected);
		const window = { from: epochToMonotonic(upload.nodeStart), to: epochToMonotonic(upload.nodeStart + upload.nodeMs) };
		const items = recordings.expected.count;
		profiled.push({ variant, title: `${variant}: ${what} (the upload node's window)`, items, window, perItem: items > 1 });
	}
	return profiled;
}

/** One recording of the largest size: where an upload's time goes inside n8n. */
const largeUpload: Workload = async (env, config, log) => {
	const sizeMB = Math.max(...config.largeUpload.sizesMB);
	const file = await writeRecording(join(env.files, 'large.wav'), sizeMB * MB, await sandboxSecond(env.sandbox.url));
	const recordings = { glob: file.path, expected: { count: 1, size: file.size, sha256: file.sha256 } };
	return await profileUploads(env, log, uploadWorkflows(env, 'large'), recordings, `one ${sizeMB} MB recording`);
};

/** Many small recordings: the per-item cost. */
const manyUploads: Workload = async (env, config, log) => {
	const { recordings: count } = config.profile;
	const { bytes, concurrency } = config.manyRecordings;
	const recordings = await writeRecordings(env.sandbox.url, join(env.files, 'many'), count, bytes);
	return await profileUploads(env, log, uploadWorkflows(env, 'many', concurrency), recordings, `${count} recordings`);
};

/** Start Campaign with its variables mapped by expressions: the node's window. */
const campaignStart: Workload = async (env, config, log) => {
	const contactList = contacts(config.profile.contacts);
	const path = 'bench-profile-campaign';
	const id = await env.deploy(campaign(path, env.credentials.omiCallApi, 'expressions'));
	await env.runWebhook(id, path, { contacts: contactList.slice(0, 10) });
	log(`profile: Start Campaign of ${contactList.length} contacts`);
	const start = nodeRun(await env.runWebhook(id, path, { contacts: contactList }), CAMPAIGN_NODE);
	const window = { from: epochToMonotonic(start.startTime), to: epochToMonotonic(start.startTime + start.executionTime) };
	const variant = 'Start Campaign, variables mapped by expressions';
	return [{ variant, title: `${variant}: ${contactList.length} contacts (the node's window)`, items: contactList.length, window, perItem: true }];
};

/** Deliveries to our trigger and to each yardstick of the trigger case: from the first post until the last execution finished. */
const intakes: Workload = async (env, config, log) => {
	const { deliveries } = config.profile;
	const profiled: Profiled[] = [];
	for (const intake of Object.values(await deployIntakes(env))) {
		await deliver(env, intake, `profile-warm-up-${intake.key}`, config.trigger.warmUp, config.trigger.concurrency);
		log(`profile: ${deliveries} deliveries to the ${intake.label}`);
		const from = monotonicMicros();
		await deliver(env, intake, `profile-${intake.key}`, deliveries, config.trigger.concurrency);
		const window = { from, to: monotonicMicros() };
		const title = `${intake.label}: ${deliveries} deliveries (first post to last execution)`;
		profiled.push({ variant: intake.label, title, items: deliveries, window, perItem: true });
	}
	return profiled;
};

const WORKLOADS: Workload[] = [largeUpload, manyUploads, campaignStart, intakes];

/** Set BENCH_PROFILE_DIR to keep the .cpuprofile files (open them in Chrome DevTools or speedscope). */
export async function profilePass({ config, results, log }: { config: BenchConfig; results: Results; log: (line: string) => void }): Promise<void> {
	const keep = process.env.BENCH_PROFILE_DIR;
	if (keep) mkdirSync(keep, { recursive: true });
	const profileDir = keep ? mkdtempSync(join(keep, 'n8n-')) : mkdtempSync(join(tmpdir(), 'omicall-bench-cpuprof-'));
	try {
		const env = await startBenchEnv({ env: { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${profileDir}` } });
		const pid = env.pid();
		const workloads: Profiled[] = [];
		try {
			for (const workload of WORKLOADS) workloads.push(...(await workload(env, config, log)));
		} finally {
			await env.close(); // n8n writes the profile as it exits
		}
		const profile = readProfile(profileDir, pid);
		for (const workload of workloads) {
			const analysed = analyse(profile, [workload.window], PARTS);
			if (workload.perItem) record(results, workload.variant, analysed, workload.items);
			results.appendix(`Profile: ${workload.title}`, profileTable(analysed, workload.items));
		}
	} finally {
		if (keep) log(`the CPU profiles are in ${profileDir}`);
		else rmSync(profileDir, { recursive: true, force: true });
	}
}
