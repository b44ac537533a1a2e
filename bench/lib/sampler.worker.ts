/** Runs on a worker thread (see startSampling): reads the process tree until the parent says stop. */

import { parentPort, workerData } from 'node:worker_threads';

import { type Sample, readSample } from './proc';

const { pid, intervalMs } = workerData as { pid: number; intervalMs: number };
const samples: Sample[] = [];
const timer = setInterval(() => samples.push(readSample(pid)), intervalMs);
parentPort!.postMessage([]); // running
parentPort!.once('message', () => {
	clearInterval(timer);
	samples.push(readSample(pid));
	parentPort!.postMessage(samples);
});
