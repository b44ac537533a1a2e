/**
 * One upload run, whichever node uploads: POST to the workflow's Webhook, the
 * Read/Write Files node reads the file(s) into n8n's binary store, the upload
 * node sends them to the sandbox. What counts is the upload node's own
 * window, as n8n recorded it (start time and execution time).
 */

import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { nodeBinary, wrapperDir } from '../../e2e/harness/n8nServer';
import type { BenchEnv } from '../lib/env';
import { deleteExecution, nodeRun, sampled } from '../lib/measure';
import { cpuBetween, peakGrowth } from '../lib/proc';
import { MB } from '../lib/stats';
import { UPLOAD_NODE } from '../lib/workflows';

export interface DeployedWorkflow {
	id: string;
	path: string;
}

export interface UploadRun {
	/** When n8n started the upload node (epoch ms), and its execution time. */
	nodeStart: number;
	nodeMs: number;
	/** Peak RSS growth of n8n (main process and task runner) while the upload node ran, over the level before the execution. */
	uploadGrowthMB: number;
	/** The same over the whole execution (the read into the binary store included). */
	executionGrowthMB: number;
	/** CPU n8n used while the upload node ran. */
	cpuMs: number;
	/** RSS of n8n's main process before the execution. */
	mainRssBeforeMB: number;
}

/** What the sandbox must have received: `count` files, each of this size and hash. */
export interface ExpectedUploads {
	count: number;
	size: number;
	sha256: string;
}

/** Throws unless the sandbox holds exactly the expected uploads for the tracking ids `<prefix>-<index>`. */
export function verifyUploads(env: BenchEnv, trackingPrefix: string, expected: ExpectedUploads): void {
	const received = env.sandbox.control.uploads().filter((upload) => upload.trackingId.startsWith(`${trackingPrefix}-`));
	const ids = new Set(received.map((upload) => upload.trackingId));
	const wrong = received.filter((upload) => upload.size !== expected.size || upload.sha256 !== expected.sha256);
	const missing = Array.from({ length: expected.count }, (_, index) => `${trackingPrefix}-${index}`).filter((id) => !ids.has(id));
	if (received.length !== expected.count || wrong.length > 0 || missing.length > 0) {
		throw new Error(
			`uploads of ${trackingPrefix}: ${received.length} received, ${expected.count} expected; ${wrong.length} with the wrong size or hash; missing ${missing.slice(0, 5).join(', ')}`,
		);
	}
}

/**
 * Runs an upload workflow on `fileSelector` (a path or a glob), checks what
 * arrived, and frees the binary data. The window is `measuredNode`'s run.
 */
export async function runUpload(
	env: BenchEnv,
	workflow: DeployedWorkflow,
	fileSelector: string,
	trackingPrefix: string,
	expected: ExpectedUploads,
	measuredNode = UPLOAD_NODE,
): Promise<UploadRun> {
	const { value: execution, samples } = await sampled(env.pid(), () =>
		env.runWebhook(workflow.id, workflow.path, { path: fileSelector, trackingId: trackingPrefix }),
	);
	const upload = nodeRun(execution, measuredNode);
	verifyUploads(env, trackingPrefix, expected);
	await deleteExecution(env.n8n, execution.id);
	const end = upload.startTime + upload.executionTime;
	return {
		nodeStart: upload.startTime,
		nodeMs: upload.executionTime,
		uploadGrowthMB: peakGrowth(samples, upload.startTime, end) / MB,
		executionGrowthMB: peakGrowth(samples) / MB,
		cpuMs: cpuBetween(samples, upload.startTime, end),
		mainRssBeforeMB: samples[0].rssMain / MB,
	};
}

export interface CurlRun {
	wallMs: number;
	/** curl's own peak RSS, from the kernel's accounting (GNU time %M); NaN without /usr/bin/time. */
	peakRssMB: number;
}

const GNU_TIME = '/usr/bin/time';

/** `curl -F` from the shell: the floor for time and memory. */
export async function curlUpload(env: BenchEnv, filePath: string, trackingId: string): Promise<CurlRun> {
	const curl = [
		'curl', '-sS', '--fail', '-o', '/dev/null',
		'-H', `apiKey: ${env.sandbox.apiKey}`,
		'-F', `tracking_id=${trackingId}`,
		'-F', `file=@${filePath};type=audio/wav`,
		`${env.sandbox.url}/api/ai/speech_to_text`,
	];
	const withTime = existsSync(GNU_TIME);
	const [command, ...args] = withTime ? [GNU_TIME, '-f', 'maxrss_kb=%M', ...curl] : curl;
	const started = performance.now();
	const stderr = await new Promise<string>((resolve, reject) => {
		execFile(command, args, (error, _stdout, errorOutput) => {
			if (error) reject(new Error(`curl upload failed: ${error.message}\n${errorOutput}`));
			else resolve(errorOutput);
		});
	});
	const wallMs = performance.now() - started;
	const maxRssKb = Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1]);
	return { wallMs, peakRssMB: withTime ? (maxRssKb * 1024) / MB : Number.NaN };
}

const ROOT = resolve(__dirname, '..', '..');

/**
 * The node's own multipart body (the copy installed in n8n) sent with the
 * axios that n8n's HTTP layer uses, on n8n's Node, in a plain process that
 * holds `heapMB` of live objects: the upload without n8n around it. Resolves
 * with the upload's time and the CPU the process used meanwhile.
 */
export async function uploadOutsideN8n(
	env: BenchEnv,
	filePath: string,
	trackingId: string,
	heapMB: number,
): Promise<{ ms: number; cpuMs: number }> {
	const installed = join(env.n8n.userFolder, '.n8n', 'nodes', 'node_modules', 'n8n-nodes-omicall');
	const args = {
		url: `${env.sandbox.url}/api/ai/speech_to_text`,
		apiKey: env.sandbox.apiKey,
		filePath,
		trackingId,
		heapMB,
		multipartModule: join(installed, 'dist', 'nodes', 'omi', 'multipart.js'),
		axiosModule: join(wrapperDir('2'), 'node_modules', '@n8n', 'backend-network', 'node_modules', 'axios'),
	};
	const stdout = await new Promise<string>((done, fail) => {
		execFile(
			nodeBinary('2'),
			['--import', 'tsx', join(ROOT, 'bench', 'lib', 'outsideN8n.ts'), JSON.stringify(args)],
			// The installed package finds its peer n8n-workflow as n8n gives it: from n8n's own modules.
			{ cwd: ROOT, env: { ...process.env, NODE_PATH: join(wrapperDir('2'), 'node_modules') } },
			(error, out, errorOutput) => (error ? fail(new Error(`upload outside n8n failed: ${error.message}\n${errorOutput}`)) : done(out)),
		);
	});
	return JSON.parse(stdout) as { ms: number; cpuMs: number };
}

/** Checks that curl exists, once, so that a missing curl is said up front. */
export function hasCurl(): Promise<boolean> {
	return new Promise((resolve) => execFile('curl', ['--version'], (error) => resolve(!error)));
}
