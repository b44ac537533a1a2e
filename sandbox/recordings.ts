/**
 * Recordings to upload from a URL, as a PBX or a CRM would serve them: a
 * real WAV file (8 kHz, mono, 16-bit, a quiet 440 Hz tone), made on the fly
 * and streamed, so that tests, the demo and the e2e suite need no audio files.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';

const SAMPLE_RATE = 8000;
const BYTES_PER_SAMPLE = 2;
const MAX_SECONDS = 3600;
const DEFAULT_SECONDS = 5;

export const RECORDINGS_PATH = /^\/recordings\/[\w.-]+\.wav$/;

function wavHeader(dataBytes: number): Buffer {
	const header = Buffer.alloc(44);
	header.write('RIFF', 0, 'ascii');
	header.writeUInt32LE(36 + dataBytes, 4);
	header.write('WAVEfmt ', 8, 'ascii');
	header.writeUInt32LE(16, 16);
	header.writeUInt16LE(1, 20); // PCM
	header.writeUInt16LE(1, 22); // mono
	header.writeUInt32LE(SAMPLE_RATE, 24);
	header.writeUInt32LE(SAMPLE_RATE * BYTES_PER_SAMPLE, 28);
	header.writeUInt16LE(BYTES_PER_SAMPLE, 32);
	header.writeUInt16LE(16, 34);
	header.write('data', 36, 'ascii');
	header.writeUInt32LE(dataBytes, 40);
	return header;
}

/** One second of the tone; every second is the same, so it is made once. */
const SECOND_OF_TONE = (() => {
	const samples = Buffer.alloc(SAMPLE_RATE * BYTES_PER_SAMPLE);
	for (let i = 0; i < SAMPLE_RATE; i++) {
		samples.writeInt16LE(Math.round(3000 * Math.sin((2 * Math.PI * 440 * i) / SAMPLE_RATE)), i * BYTES_PER_SAMPLE);
	}
	return samples;
})();

/** A whole short recording in memory, for callers that upload one (the probe). */
export function toneWav(seconds: number): Buffer {
	const dataBytes = seconds * SECOND_OF_TONE.length;
	return Buffer.concat([wavHeader(dataBytes), ...Array.from({ length: seconds }, () => SECOND_OF_TONE)]);
}

/** Serves GET /recordings/<name>.wav?seconds=N (default 5, at most 3600). */
export function serveRecording(req: IncomingMessage, res: ServerResponse, url: URL): void {
	const asked = Number(url.searchParams.get('seconds') ?? DEFAULT_SECONDS);
	const seconds = Number.isFinite(asked) ? Math.min(MAX_SECONDS, Math.max(1, Math.floor(asked))) : DEFAULT_SECONDS;
	const dataBytes = seconds * SECOND_OF_TONE.length;
	res.writeHead(200, { 'content-type': 'audio/wav', 'content-length': String(44 + dataBytes) });
	if (req.method === 'HEAD') {
		res.end();
		return;
	}
	res.write(wavHeader(dataBytes));
	let sent = 0;
	const writeMore = () => {
		while (sent < seconds) {
			sent++;
			if (!res.write(SECOND_OF_TONE)) {
				res.once('drain', writeMore);
				return;
			}
		}
		res.end();
	};
	writeMore();
}
