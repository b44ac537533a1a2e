/**
 * Recordings of any size for the uploads: the sandbox's own WAV (8 kHz mono
 * 16-bit tone, served at /recordings/<name>.wav), stretched to the wanted
 * byte count with its header's two length fields set to match. The sandbox
 * serves at most an hour (57.6 MB); the bench needs 500 MB.
 */

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

const HEADER_BYTES = 44;

export interface RecordingFile {
	path: string;
	size: number;
	sha256: string;
}

/** One second of the sandbox's recording: its header and its tone. */
export async function sandboxSecond(sandboxUrl: string): Promise<{ header: Buffer; tone: Buffer }> {
	const wav = Buffer.from(await (await fetch(`${sandboxUrl}/recordings/tone.wav?seconds=1`)).arrayBuffer());
	return { header: wav.subarray(0, HEADER_BYTES), tone: wav.subarray(HEADER_BYTES) };
}

/** Writes a WAV of exactly `size` bytes (even, at least the header) and returns its sha256. */
export async function writeRecording(
	path: string,
	size: number,
	second: { header: Buffer; tone: Buffer },
): Promise<RecordingFile> {
	const dataBytes = Math.max(0, size - HEADER_BYTES) & ~1;
	const header = Buffer.from(second.header);
	header.writeUInt32LE(36 + dataBytes, 4);
	header.writeUInt32LE(dataBytes, 40);
	// A few MB per write: 500 MB take a second or two.
	const block = Buffer.concat(Array.from({ length: 256 }, () => second.tone));
	const hash = createHash('sha256');
	const out = createWriteStream(path);
	const write = async (chunk: Buffer) => {
		hash.update(chunk);
		if (!out.write(chunk)) await once(out, 'drain');
	};
	await write(header);
	for (let left = dataBytes; left > 0; left -= block.length) await write(block.subarray(0, Math.min(left, block.length)));
	out.end();
	await once(out, 'finish');
	return { path, size: HEADER_BYTES + dataBytes, sha256: hash.digest('hex') };
}
