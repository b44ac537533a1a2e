import { randomBytes } from 'crypto';

import { StreamedBlob } from './n8n';

/** A file whose bytes are produced on demand, so that a retry can send them again. */
export interface StreamedFile {
	fileName: string;
	contentType: string;
	/** Exact byte count: multipart needs it for Content-Length. */
	size: number;
	open: () => Promise<AsyncIterable<Uint8Array> | Iterable<Uint8Array>>;
	/** Closes a source opened ahead of time and never sent. */
	discard?: () => void;
}

type Source = (AsyncIterable<Uint8Array> | Iterable<Uint8Array>) & { destroy?: () => void };

const CRLF = '\r\n';

const quoted = (value: string) => value.replace(/[\r\n"\\]/g, (char) => encodeURIComponent(char));

/**
 * A multipart/form-data body that n8n's HTTP helpers send as a stream (see
 * StreamedBlob): the fields and the file are produced part by part as the
 * socket drains, so memory stays flat however large the recording is, and
 * every attempt (n8n's Retry On Fail, a re-send after 401) opens the file afresh.
 */
export class StreamedMultipartBody extends StreamedBlob {
	readonly type: string;

	readonly size: number;

	private readonly head: Buffer;

	private readonly tail: Buffer;

	constructor(
		fields: Record<string, string>,
		fileField: string,
		private readonly file: StreamedFile,
	) {
		super();
		const boundary = `----n8nOmiBoundary${randomBytes(12).toString('hex')}`;
		this.type = `multipart/form-data; boundary=${boundary}`;
		const fieldParts = Object.entries(fields).map(
			([name, value]) =>
				`--${boundary}${CRLF}Content-Disposition: form-data; name="${quoted(name)}"${CRLF}${CRLF}${value}${CRLF}`,
		);
		this.head = Buffer.from(
			fieldParts.join('') +
				`--${boundary}${CRLF}` +
				`Content-Disposition: form-data; name="${quoted(fileField)}"; filename="${quoted(file.fileName)}"${CRLF}` +
				`Content-Type: ${file.contentType}${CRLF}${CRLF}`,
		);
		this.tail = Buffer.from(`${CRLF}--${boundary}--${CRLF}`);
		this.size = this.head.length + file.size + this.tail.length;
	}

	private readonly opened: Source[] = [];

	async *stream(): AsyncGenerator<Uint8Array> {
		yield this.head;
		const source: Source = await this.file.open();
		this.opened.push(source);
		for await (const chunk of source) yield chunk;
		yield this.tail;
	}

	/**
	 * Closes every source this body opened. A request that fails may leave
	 * its reading of the body half done, and a source nobody reads holds its
	 * download or file open until it times out.
	 */
	close(): void {
		for (const source of this.opened.splice(0)) source.destroy?.();
		this.file.discard?.();
	}
}
