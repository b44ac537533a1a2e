/**
 * Issue 7, measurements 1 and 2: one large WAV read into n8n's binary store
 * (filesystem mode), then uploaded by our Transcribe, by n8n's HTTP Request
 * node as multipart, and by `curl -F` from the shell (the floor). Memory: peak
 * RSS growth of n8n while the upload node runs. Speed: the upload node's time.
 */

import { rmSync } from 'node:fs';
import { join } from 'node:path';

import { inTurn } from '../lib/measure';
import { sandboxSecond, writeRecording, type RecordingFile } from '../lib/recordings';
import { ratios } from '../lib/report';
import { MB } from '../lib/stats';
import { READ_NODE, UPLOAD_NODE, httpRequestUpload, oursUpload, readOnly } from '../lib/workflows';
import type { CaseContext } from './context';
import { type DeployedWorkflow, curlUpload, hasCurl, runUpload, uploadOutsideN8n } from './uploadRun';

const MEMORY_TARGET_MB = 64;

/** The live heap the plain process holds in the second outside-n8n variant, about what n8n's main process holds. */
const N8N_LIKE_HEAP_MB = 200;

type Variant = 'ours' | 'httpRequest' | 'curl' | 'readOnly' | 'outside' | 'outsideWithHeap';

const LABEL: Record<Variant, string> = {
	ours: 'OMI AI Transcribe',
	httpRequest: 'HTTP Request node',
	curl: 'curl -F',
	readOnly: 'Read file only (no upload)',
	outside: "our multipart body + n8n's axios, plain Node process",
	outsideWithHeap: `the same, holding ${N8N_LIKE_HEAP_MB} MB of live heap`,
};

interface Measured {
	uploadMs: number;
	uploadGrowthMB: number;
	executionGrowthMB: number;
	mainRssBeforeMB: number;
	curlRssMB: number;
	/** CPU of the plain process, for the uploads outside n8n. */
	cpuMs: number;
}

const NOT_MEASURED: Measured = {
	uploadMs: Number.NaN,
	uploadGrowthMB: Number.NaN,
	executionGrowthMB: Number.NaN,
	mainRssBeforeMB: Number.NaN,
	curlRssMB: Number.NaN,
	cpuMs: Number.NaN,
};

/** Variants that are not an n8n workflow. */
type Outside = 'curl' | 'outside' | 'outsideWithHeap';
const isOutside = (variant: Variant): variant is Outside => ['curl', 'outside', 'outsideWithHeap'].includes(variant);

export async function largeUpload({ env, config, results, log }: CaseContext): Promise<void> {
	const curlAvailable = await hasCurl();
	if (!curlAvailable) results.note('curl is not installed on this machine: the curl floor is missing from the large-upload figures.');
	const deploy = async (path: string, workflow: unknown): Promise<DeployedWorkflow> => ({ id: await env.deploy(workflow), path });
	const workflows: Record<Exclude<Variant, Outside>, DeployedWorkflow> = {
		ours: await deploy('bench-large-ours', oursUpload('bench-large-ours', env.credentials.omiCallApi)),
		httpRequest: await deploy(
			'bench-large-http',
			httpRequestUpload('bench-large-http', `${env.sandbox.url}/api/ai/speech_to_text`, env.sandbox.apiKey),
		),
		readOnly: await deploy('bench-large-read', readOnly('bench-large-read')),
	};
	const second = await sandboxSecond(env.sandbox.url);
	const variants: Variant[] = ['ours', 'httpRequest', ...(curlAvailable ? (['curl'] as const) : []), 'readOnly', 'outside', 'outsideWithHeap'];

	async function once(variant: Variant, file: RecordingFile, trackingPrefix: string): Promise<Measured> {
		if (variant === 'curl') {
			const curl = await curlUpload(env, file.path, `${trackingPrefix}-0`);
			return { ...NOT_MEASURED, uploadMs: curl.wallMs, curlRssMB: curl.peakRssMB };
		}
		if (variant === 'outside' || variant === 'outsideWithHeap') {
			const heapMB = variant === 'outside' ? 0 : N8N_LIKE_HEAP_MB;
			const outside = await uploadOutsideN8n(env, file.path, `${trackingPrefix}-0`, heapMB);
			return { ...NOT_MEASURED, uploadMs: outside.ms, cpuMs: outside.cpuMs };
		}
		const expected = { count: variant === 'readOnly' ? 0 : 1, size: file.size, sha256: file.sha256 };
		const measured = variant === 'readOnly' ? READ_NODE : UPLOAD_NODE;
		const run = await runUpload(env, workflows[variant], file.path, trackingPrefix, expected, measured);
		return { ...NOT_MEASURED, ...run, uploadMs: run.nodeMs };
	}

	// Every workflow runs once on a small file first: n8n loads node code and credentials lazily.
	const warmUp = await writeRecording(join(env.files, 'warm-up.wav'), config.largeUpload.warmUpMB * MB, second);
	for (const variant of variants) await once(variant, warmUp, `large-warm-up-${variant}`);

	for (const sizeMB of config.largeUpload.sizesMB) {
		const section = `1–2. Large upload, ${sizeMB} MB`;
		const file = await writeRecording(join(env.files, `large-${sizeMB}.wav`), sizeMB * MB, second);
		for (let run = 0; run < config.runs; run++) {
			for (const variant of inTurn(variants, run)) {
				log(`large upload ${sizeMB} MB, run ${run + 1}/${config.runs}: ${LABEL[variant]}`);
				const figures = await once(variant, file, `large-${sizeMB}-${variant}-r${run}`);
				if (variant !== 'readOnly') results.record(section, 'upload time', LABEL[variant], 's', figures.uploadMs / 1000);
				if (variant === 'curl') results.record(section, 'peak RSS of curl itself', LABEL[variant], 'MB', figures.curlRssMB);
				if (variant === 'outside' || variant === 'outsideWithHeap') {
					results.record(section, 'CPU of the uploading process (all threads)', LABEL[variant], 's', figures.cpuMs / 1000);
				}
				if (variant === 'ours' || variant === 'httpRequest') {
					results.record(section, 'n8n RSS growth during the upload', LABEL[variant], 'MB', figures.uploadGrowthMB);
					results.record(section, "n8n main process's RSS before the execution", LABEL[variant], 'MB', figures.mainRssBeforeMB);
				}
				if (!isOutside(variant)) {
					results.record(section, 'n8n RSS growth, whole execution (read + upload)', LABEL[variant], 'MB', figures.executionGrowthMB);
				}
			}
		}
		rmSync(file.path);

		results.check({
			id: '1',
			target: `${sizeMB} MB upload: our node adds ≤ ${MEMORY_TARGET_MB} MB to n8n's RSS`,
			unit: 'MB',
			values: results.values(section, 'n8n RSS growth during the upload', LABEL.ours),
			bound: { atMost: MEMORY_TARGET_MB },
		});
	}

	const largest = `1–2. Large upload, ${Math.max(...config.largeUpload.sizesMB)} MB`;
	const oursTime = results.values(largest, 'upload time', LABEL.ours);
	if (curlAvailable) {
		results.check({
			id: '2',
			target: `${Math.max(...config.largeUpload.sizesMB)} MB upload time: our node ÷ curl ≤ 1.5`,
			unit: '×',
			values: ratios(oursTime, results.values(largest, 'upload time', LABEL.curl)),
			bound: { atMost: 1.5 },
		});
	}
	results.check({
		id: '2',
		target: `${Math.max(...config.largeUpload.sizesMB)} MB upload time: our node ÷ HTTP Request node ≤ 1.0`,
		unit: '×',
		values: ratios(oursTime, results.values(largest, 'upload time', LABEL.httpRequest)),
		bound: { atMost: 1.0 },
	});
}
