/**
 * Runs on n8n's own Node (24) in a plain process, started by
 * uploadOutsideN8n(): the node's multipart body (the copy n8n loaded) sent
 * with the axios n8n's HTTP layer uses, from the binary store's kind of file
 * stream, optionally while the process holds a large live heap as n8n does.
 * It shows what the upload costs without n8n around it.
 *
 *   node --import tsx bench/lib/outsideN8n.ts <json arguments>
 */

import { open } from 'node:fs/promises';

interface Arguments {
	url: string;
	apiKey: string;
	filePath: string;
	trackingId: string;
	/** Live heap to hold while uploading, in MB. */
	heapMB: number;
	/** The installed package's multipart module and n8n's axios. */
	multipartModule: string;
	axiosModule: string;
}

const args = JSON.parse(process.argv[2]) as Arguments;

/** Small objects, like n8n's: many of them, all reachable, so every full GC must mark them. */
function holdHeap(megabytes: number): unknown[] {
	const held: unknown[] = [];
	while (process.memoryUsage().heapUsed < megabytes * 1024 * 1024) {
		for (let index = 0; index < 10_000; index++) held.push({ index, name: `entry-${index}`, tags: [index] });
	}
	return held;
}

async function main(): Promise<void> {
	const held = holdHeap(args.heapMB);
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { StreamedMultipartBody } = require(args.multipartModule) as typeof import('../../nodes/omi/multipart');
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const axios = require(args.axiosModule) as { post: (url: string, body: unknown, config: object) => Promise<unknown> };
	const handle = await open(args.filePath);
	const { size } = await handle.stat();
	const body = new StreamedMultipartBody({ tracking_id: args.trackingId }, 'file', {
		fileName: 'recording.wav',
		contentType: 'audio/wav',
		size,
		open: async () => handle.createReadStream(),
	});
	// The process's CPU (all threads, V8's GC helpers included): what the held heap costs shows here.
	const cpuBefore = process.cpuUsage();
	const started = performance.now();
	await axios.post(args.url, body, {
		headers: { 'Content-Type': body.type, apiKey: args.apiKey },
		maxBodyLength: Infinity,
		maxRedirects: 0,
	});
	const ms = performance.now() - started;
	const cpu = process.cpuUsage(cpuBefore);
	const cpuMs = (cpu.user + cpu.system) / 1000;
	process.stdout.write(JSON.stringify({ ms, cpuMs, heldObjects: held.length, heapUsedMB: process.memoryUsage().heapUsed / 1024 / 1024 }));
}

main().catch((error: unknown) => {
	process.stderr.write(String(error instanceof Error ? error.stack : error));
	process.exit(1);
});
