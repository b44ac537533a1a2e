import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

import busboy = require('busboy');

export interface ReceivedFile {
	fileName: string;
	contentType: string;
	size: number;
	sha256: string;
}

export type UploadOutcome =
	| { kind: 'parsed'; file: ReceivedFile | null; fields: Record<string, string>; parts: number }
	| { kind: 'not-multipart' }
	/** Broken or empty multipart body: the client is still there and gets an answer. */
	| { kind: 'malformed' }
	/** The client went away: nobody to answer. */
	| { kind: 'aborted' };

/**
 * Reads a multipart upload as a stream. The audio part is hashed and counted
 * while it flows and then forgotten: a 500 MB recording costs no more memory
 * than a 5 KB one, and nothing touches the disk.
 */
export function receiveUpload(req: IncomingMessage, fileField = 'file'): Promise<UploadOutcome> {
	if (!/^multipart\/form-data/i.test(req.headers['content-type'] ?? '')) {
		req.resume();
		return Promise.resolve({ kind: 'not-multipart' });
	}
	let parser: busboy.Busboy;
	try {
		// utf8: Vietnamese file names ("ghi âm.mp3") arrive as raw UTF-8 in the part header.
		parser = busboy({ headers: req.headers, defParamCharset: 'utf8', limits: { fields: 100, parts: 200, fieldSize: 64 * 1024 } });
	} catch {
		// No boundary in the content type.
		req.resume();
		return Promise.resolve({ kind: 'malformed' });
	}

	return new Promise((resolve) => {
		const fields: Record<string, string> = {};
		let file: ReceivedFile | null = null;
		let fileClaimed = false;
		let parts = 0;
		let settled = false;
		const settle = (outcome: UploadOutcome) => {
			if (settled) return;
			settled = true;
			resolve(outcome);
		};

		parser.on('field', (name: string, value: string) => {
			parts++;
			if (!(name in fields)) fields[name] = value;
		});
		parser.on('file', (name: string, stream: NodeJS.ReadableStream, info: busboy.FileInfo) => {
			parts++;
			// busboy destroys file streams with an error when the form breaks off; that is reported through the parser.
			stream.on('error', () => undefined);
			// An empty file name is what a browser sends for an empty file input: no file.
			if (name !== fileField || fileClaimed || !info.filename) {
				stream.resume();
				return;
			}
			fileClaimed = true;
			const hash = createHash('sha256');
			let size = 0;
			stream.on('data', (chunk: Buffer) => {
				hash.update(chunk);
				size += chunk.length;
			});
			stream.on('end', () => {
				file = { fileName: info.filename, contentType: info.mimeType, size, sha256: hash.digest('hex') };
			});
		});
		// busboy emits 'close' only after every file stream has ended, so `file` is complete here.
		parser.on('close', () => settle({ kind: 'parsed', file, fields, parts }));
		parser.on('error', () => {
			req.unpipe(parser);
			req.resume();
			settle({ kind: 'malformed' });
		});
		const abort = () => {
			settle({ kind: 'aborted' });
			parser.destroy();
		};
		req.on('error', abort);
		req.on('close', () => {
			if (!req.complete) abort();
		});
		req.pipe(parser);
	});
}
