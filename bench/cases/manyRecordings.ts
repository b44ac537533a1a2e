/**
 * Issue 7, measurement 3 (and the Transcribe half of 6): many small
 * recordings in one execution. n8n's Read/Write Files node reads them all
 * (a glob) into the binary store; then our Transcribe at its default
 * concurrency and at concurrency 1, and n8n's HTTP Request node with its
 * batching option at the same parallelism (and without batching, for
 * reference), upload them. Time: the upload node's; CPU: n8n's while it ran.
 *
 * The sandbox answers in about a millisecond, so on 127.0.0.1 an upload costs
 * n8n's CPU and nearly no waiting, and parallel uploads have nothing to
 * overlap. OMI is across the internet: the two concurrencies are measured
 * again with the sandbox holding each upload for a fixed latency first.
 */

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

import type { BenchEnv } from '../lib/env';
import { inTurn } from '../lib/measure';
import { sandboxSecond, writeRecording } from '../lib/recordings';
import { ratios } from '../lib/report';
import { httpRequestUpload, oursUpload } from '../lib/workflows';
import type { CaseContext } from './context';
import { type DeployedWorkflow, type ExpectedUploads, runUpload } from './uploadRun';

export interface RecordingSet {
	glob: string;
	expected: ExpectedUploads;
}

/** Writes `count` identical recordings of `bytes` into a folder; returns a glob for them and what each is. */
export async function writeRecordings(sandboxUrl: string, folder: string, count: number, bytes: number): Promise<RecordingSet> {
	mkdirSync(folder, { recursive: true });
	const second = await sandboxSecond(sandboxUrl);
	const files = [];
	for (let index = 0; index < count; index++) {
		files.push(await writeRecording(join(folder, `call-${String(index).padStart(5, '0')}.wav`), bytes, second));
	}
	return { glob: join(folder, '*.wav'), expected: { count, size: files[0].size, sha256: files[0].sha256 } };
}

interface Variant {
	label: string;
	workflow: DeployedWorkflow;
	section: string;
	recordings: RecordingSet;
	/** The sandbox holds each upload this long before reading it. */
	latencyMs?: number;
}

/** Runs one variant, with the sandbox's latency fault on for it when it has one. */
async function runVariant(env: BenchEnv, variant: Variant, trackingPrefix: string) {
	if (variant.latencyMs) {
		env.sandbox.control.addFault({
			method: 'POST',
			path: '/api/ai/speech_to_text',
			times: 1_000_000,
			fault: { type: 'latency', ms: variant.latencyMs },
		});
	}
	try {
		return await runUpload(env, variant.workflow, variant.recordings.glob, trackingPrefix, variant.recordings.expected);
	} finally {
		env.sandbox.control.clearFaults();
	}
}

export const LATENCY_MS = 50;

export async function manyRecordings({ env, config, results, log }: CaseContext): Promise<void> {
	const { count, bytes, concurrency } = config.manyRecordings;
	const uploadUrl = `${env.sandbox.url}/api/ai/speech_to_text`;
	const credential = env.credentials.omiCallApi;
	const deploy = async (path: string, workflow: unknown): Promise<DeployedWorkflow> => ({ id: await env.deploy(workflow), path });
	const oursDefault = await deploy('bench-many-ours', oursUpload('bench-many-ours', credential));
	const oursOne = await deploy('bench-many-ours-1', oursUpload('bench-many-ours-1', credential, 1));
	const httpBatched = await deploy('bench-many-http', httpRequestUpload('bench-many-http', uploadUrl, env.sandbox.apiKey, concurrency));
	const httpAll = await deploy('bench-many-http-all', httpRequestUpload('bench-many-http-all', uploadUrl, env.sandbox.apiKey));

	const recordings = await writeRecordings(env.sandbox.url, join(env.files, 'many'), count, bytes);
	// With latency every upload takes longer: a fifth of the recordings give the same ratio sooner.
	const fewer = Math.max(5, Math.round(count / 5));
	const slowRecordings = await writeRecordings(env.sandbox.url, join(env.files, 'many-latency'), fewer, bytes);
	const section = `3. Many recordings: ${count} × ${Math.round(bytes / 1024)} KB`;
	const slowSection = `3. Many recordings, the sandbox answering after ${LATENCY_MS} ms: ${fewer} × ${Math.round(bytes / 1024)} KB`;
	const labels = {
		default: `OMI AI Transcribe, default concurrency (${concurrency})`,
		one: 'OMI AI Transcribe, concurrency 1',
		batched: `HTTP Request node, batches of ${concurrency}`,
	};
	const variants: Variant[] = [
		{ label: labels.default, workflow: oursDefault, section, recordings },
		{ label: labels.one, workflow: oursOne, section, recordings },
		{ label: labels.batched, workflow: httpBatched, section, recordings },
		{ label: 'HTTP Request node, no batching', workflow: httpAll, section, recordings },
		{ label: labels.default, workflow: oursDefault, section: slowSection, recordings: slowRecordings, latencyMs: LATENCY_MS },
		{ label: labels.one, workflow: oursOne, section: slowSection, recordings: slowRecordings, latencyMs: LATENCY_MS },
	];

	const warmUp = await writeRecordings(env.sandbox.url, join(env.files, 'many-warm-up'), 3, bytes);
	for (const variant of variants) {
		await runVariant(env, { ...variant, recordings: warmUp }, `many-warm-up-${variant.workflow.path}-${variant.latencyMs ?? 0}`);
	}

	for (let run = 0; run < config.runs; run++) {
		for (const variant of inTurn(variants, run)) {
			const { expected } = variant.recordings;
			log(`${expected.count} recordings${variant.latencyMs ? `, ${variant.latencyMs} ms latency` : ''}, run ${run + 1}/${config.runs}: ${variant.label}`);
			const measured = await runVariant(env, variant, `many-${variant.workflow.path}-${variant.latencyMs ?? 0}-r${run}`);
			results.record(variant.section, 'upload node time', variant.label, 's', measured.nodeMs / 1000);
			results.record(variant.section, 'n8n CPU per recording', variant.label, 'ms/item', measured.cpuMs / expected.count);
			results.record(variant.section, 'n8n RSS growth during the upload', variant.label, 'MB', measured.uploadGrowthMB);
		}
	}

	const time = (where: string, label: string) => results.values(where, 'upload node time', label);
	results.check({
		id: '3',
		target: `${count} recordings: our node (concurrency ${concurrency}) ÷ HTTP Request node (batches of ${concurrency}) ≤ 1.0`,
		unit: '×',
		values: ratios(time(section, labels.default), time(section, labels.batched)),
		bound: { atMost: 1.0 },
	});
	for (const [where, what] of [
		[section, `${count} recordings on 127.0.0.1`],
		[slowSection, `${fewer} recordings, the sandbox answering after ${LATENCY_MS} ms`],
	]) {
		results.check({
			id: '3',
			target: `${what}: default concurrency ≥ 3× faster than concurrency 1 (time at 1 ÷ time at ${concurrency})`,
			unit: '×',
			values: ratios(time(where, labels.one), time(where, labels.default)),
			bound: { atLeast: 3 },
		});
	}
}
