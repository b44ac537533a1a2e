import { createHash } from 'node:crypto';
import {
	closeSync,
	createReadStream,
	mkdtempSync,
	openSync,
	readFileSync,
	rmSync,
	statSync,
	writeFileSync,
	writeSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

const folder = mkdtempSync(join(tmpdir(), 'omi-recordings-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

/** Writes a file of `size` bytes of varied content and returns its path and sha256. */
export function makeRecording(name: string, size: number): { path: string; size: number; sha256: string } {
	const path = join(folder, name);
	const hash = createHash('sha256');
	const chunk = Buffer.alloc(Math.min(size, 1 << 20));
	for (let i = 0; i < chunk.length; i++) chunk[i] = (i * 31 + size) & 0xff;
	const fd = openSync(path, 'w');
	for (let written = 0; written < size; written += chunk.length) {
		const part = chunk.subarray(0, Math.min(chunk.length, size - written));
		writeSync(fd, part);
		hash.update(part);
	}
	closeSync(fd);
	return { path, size, sha256: hash.digest('hex') };
}

export function makeEmptyFile(name: string): string {
	const path = join(folder, name);
	writeFileSync(path, '');
	return path;
}

/**
 * Serves recordings over HTTP on 127.0.0.1, as a PBX or storage bucket would:
 * with a Content-Length, or chunked without one.
 */
export async function startFileServer(
	/** `gzip`: compress for a client that accepts it, as web servers and CDNs do for audio too. */
	/** `bytesPerSecond`: serve slowly, as a PBX far away does, so that a test can act mid-download. */
	files: Record<
		string,
		{ path: string; contentType: string; chunked?: boolean; gzip?: boolean; disposition?: string; bytesPerSecond?: number }
	>,
): Promise<{ url: string; downloads: () => number; openDownloads: () => number; close: () => Promise<void> }> {
	let downloads = 0;
	let openDownloads = 0;
	const server = createServer((request, response) => {
		const file = files[request.url ?? ''];
		if (!file) {
			response.writeHead(404).end('not found');
			return;
		}
		downloads++;
		// Until the client has read it all or hung up: a download nobody reads stays open.
		openDownloads++;
		response.once('close', () => openDownloads--);
		if (file.gzip && /\bgzip\b/.test(String(request.headers['accept-encoding']))) {
			const compressed = gzipSync(readFileSync(file.path));
			response.writeHead(200, {
				'content-type': file.contentType,
				'content-encoding': 'gzip',
				'content-length': String(compressed.length),
			});
			response.end(compressed);
			return;
		}
		const headers: Record<string, string> = { 'content-type': file.contentType };
		if (file.disposition) headers['content-disposition'] = file.disposition;
		if (!file.chunked) headers['content-length'] = String(statSync(file.path).size);
		response.writeHead(200, headers);
		const source = createReadStream(file.path, { highWaterMark: 64 * 1024 });
		response.once('close', () => source.destroy());
		if (!file.bytesPerSecond) {
			source.pipe(response);
			return;
		}
		const pauseMs = ((64 * 1024) / file.bytesPerSecond) * 1000;
		source.on('data', (chunk) => {
			source.pause();
			response.write(chunk);
			setTimeout(() => source.resume(), pauseMs);
		});
		source.once('end', () => response.end());
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		url: `http://127.0.0.1:${port}`,
		downloads: () => downloads,
		openDownloads: () => openDownloads,
		close: async () => await new Promise<void>((resolve) => server.close(() => resolve())),
	};
}
