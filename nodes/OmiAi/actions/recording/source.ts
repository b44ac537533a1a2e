import type { IBinaryData, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { BINARY_ENCODING, NodeOperationError } from 'n8n-workflow';

import { decodedOrAsIs, httpUrlOf } from '../../../shared/url';
import type { StreamedFile } from '../../../omi/multipart';

/** The formats OMI accepts (docs/omi-api.md §2.2), by extension and by MIME type. */
const CONTENT_TYPE_BY_EXTENSION: Record<string, string> = {
	'.wav': 'audio/wav',
	'.mp3': 'audio/mpeg',
	'.m4a': 'audio/mp4',
};
const EXTENSION_BY_CONTENT_TYPE: Record<string, string> = {
	'audio/wav': '.wav',
	'audio/x-wav': '.wav',
	'audio/wave': '.wav',
	'audio/vnd.wave': '.wav',
	'audio/mpeg': '.mp3',
	'audio/mp3': '.mp3',
	'audio/mpeg3': '.mp3',
	'audio/x-mpeg-3': '.mp3',
	'audio/mp4': '.m4a',
	'audio/m4a': '.m4a',
	'audio/x-m4a': '.m4a',
};
const PLAIN_BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Types that say nothing about the format, so the file name decides. */
const UNTYPED = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

type ByteStream = AsyncIterable<Uint8Array> & { destroy?: () => void };

export interface Recording extends StreamedFile {
	source: 'binary' | 'url';
}

const extensionOf = (fileName: string) => /\.[^./\\]+$/.exec(fileName)?.[0].toLowerCase() ?? '';

interface FileIdentity {
	fileName: string;
	contentType: string;
}

/**
 * Settles the name and type that are sent to OMI, which checks the extension.
 * A file whose type is known but whose name lacks the extension gets it added;
 * anything OMI would refuse is refused here, before a byte is uploaded.
 */
function identify(
	this: IExecuteFunctions,
	itemIndex: number,
	nameHint: string,
	typeHint: string,
): FileIdentity | NodeOperationError {
	const contentType = typeHint.split(';')[0].trim().toLowerCase();
	const extension = extensionOf(nameHint);
	const extensionForType = EXTENSION_BY_CONTENT_TYPE[contentType];
	const refuse = (why: string) =>
		new NodeOperationError(this.getNode(), `The recording of item ${itemIndex} is not a format OMI accepts: ${why}`, {
			itemIndex,
			description: 'OMI accepts .wav, .mp3 and .m4a recordings. Convert the file first, for example with ffmpeg.',
		});

	if (!UNTYPED.has(contentType) && !extensionForType) {
		return refuse(`"${nameHint || 'the file'}" has the type ${contentType}`);
	}
	if (CONTENT_TYPE_BY_EXTENSION[extension]) {
		return { fileName: nameHint, contentType: extensionForType ? contentType : CONTENT_TYPE_BY_EXTENSION[extension] };
	}
	if (extensionForType) {
		return { fileName: `${nameHint || 'recording'}${extensionForType}`, contentType };
	}
	return refuse(
		extension
			? `"${nameHint}" has the extension ${extension}`
			: `neither the name "${nameHint || '(none)'}" nor the type tells its format`,
	);
}

function refuseEmpty(this: IExecuteFunctions, itemIndex: number, fileName: string): never {
	throw new NodeOperationError(this.getNode(), `The recording of item ${itemIndex} ("${fileName}") is empty`, {
		itemIndex,
		description: 'Check the node that produced the file: it has 0 bytes.',
	});
}

/** A recording held in n8n's binary store, streamed from disk when n8n keeps binaries there. */
async function recordingFromBinaryData(
	this: IExecuteFunctions,
	itemIndex: number,
	binary: IBinaryData,
): Promise<StreamedFile> {
	const identity = identify.call(this, itemIndex, binary.fileName ?? '', binary.mimeType ?? '');
	if (identity instanceof NodeOperationError) throw identity;
	if (binary.id) {
		const binaryId = binary.id;
		const { fileSize } = await this.helpers.getBinaryMetadata(binaryId);
		if (!fileSize) refuseEmpty.call(this, itemIndex, identity.fileName);
		return { ...identity, size: fileSize, open: async () => await this.helpers.getBinaryStream(binaryId) };
	}
	// Without an id n8n keeps the file in memory already (its default mode).
	// Decoded only when sent, so that checking every item first holds no copies.
	// The length tells the size only of plain base64; wrapped lines or other
	// characters the decoder skips need one decoding to measure.
	const size = PLAIN_BASE64.test(binary.data)
		? Buffer.byteLength(binary.data, BINARY_ENCODING)
		: Buffer.from(binary.data, BINARY_ENCODING).length;
	if (!size) refuseEmpty.call(this, itemIndex, identity.fileName);
	return { ...identity, size, open: async () => [Buffer.from(binary.data, BINARY_ENCODING)] };
}

export async function recordingFromBinary(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	itemIndex: number,
	binaryPropertyName: string,
): Promise<Recording> {
	const binary = items[itemIndex].binary?.[binaryPropertyName];
	if (!binary) {
		const available = Object.keys(items[itemIndex].binary ?? {});
		throw new NodeOperationError(this.getNode(), `Item ${itemIndex} has no binary field "${binaryPropertyName}"`, {
			itemIndex,
			description: available.length
				? `Its binary fields are: ${available.join(', ')}. Set "Input Binary Field" to one of them.`
				: 'It has no binary data at all. Put a node that reads or downloads the recording before this one, or use a Recording URL.',
		});
	}
	return { ...(await recordingFromBinaryData.call(this, itemIndex, binary)), source: 'binary' };
}

interface DownloadResponse {
	body: ByteStream;
	headers: Record<string, string | undefined>;
}

function fileNameFromDisposition(disposition: string | undefined): string | undefined {
	if (!disposition) return undefined;
	const encoded = /filename\*=(?:UTF-8'')?([^;]+)/i.exec(disposition)?.[1];
	if (encoded) return decodedOrAsIs(encoded.trim().replace(/^"|"$/g, ''));
	return /filename="?([^";]+)"?/i.exec(disposition)?.[1]?.trim();
}

export function recordingUrlOf(this: IExecuteFunctions, itemIndex: number, recordingUrl: string): URL {
	const url = httpUrlOf(recordingUrl);
	if (url) return url;
	throw new NodeOperationError(this.getNode(), `The recording URL of item ${itemIndex} is not a valid http(s) URL`, {
		itemIndex,
		description: `Received: "${recordingUrl}"`,
	});
}

/**
 * A recording behind a URL, forwarded to OMI as it downloads. The download
 * is opened once to learn the name, type and size; a retry downloads again.
 */
export async function recordingFromUrl(
	this: IExecuteFunctions,
	itemIndex: number,
	url: URL,
	timeoutMs: number,
): Promise<Recording> {
	const download = async (): Promise<DownloadResponse> => {
		try {
			return (await this.helpers.httpRequest({
				method: 'GET',
				url: url.href,
				encoding: 'stream',
				// A compressed answer's Content-Length is not the file's size, which the upload announces.
				headers: { 'accept-encoding': 'identity' },
				returnFullResponse: true,
				timeout: timeoutMs,
				abortSignal: this.getExecutionCancelSignal(),
			})) as DownloadResponse;
		} catch (error) {
			const status = (error as { response?: { status?: number } }).response?.status;
			throw new NodeOperationError(
				this.getNode(),
				`Could not download the recording of item ${itemIndex}: ${status ? `HTTP ${status}` : (error as Error).message}`,
				// Without the query, which may hold a signed URL's secret.
				{ itemIndex, description: `URL: ${url.origin}${url.pathname}` },
			);
		}
	};

	const first = await download();
	let recording: Recording | undefined;
	try {
		recording = await recordingFromDownload.call(this, itemIndex, url, first, download);
		return recording;
	} finally {
		// Refused (format, size, name): nobody will read the download.
		if (recording === undefined) first.body.destroy?.();
	}
}

async function recordingFromDownload(
	this: IExecuteFunctions,
	itemIndex: number,
	url: URL,
	first: DownloadResponse,
	download: () => Promise<DownloadResponse>,
): Promise<Recording> {
	const nameHint =
		fileNameFromDisposition(first.headers['content-disposition']) ??
		decodedOrAsIs(url.pathname.split('/').pop() ?? '');
	const identity = identify.call(this, itemIndex, nameHint, first.headers['content-type'] ?? '');
	if (identity instanceof NodeOperationError) throw identity;
	const size = Number(first.headers['content-length']);
	if (!Number.isFinite(size) || first.headers['content-length'] === undefined) {
		// Without a length the multipart body cannot announce its size; n8n's
		// binary store holds the download instead (on disk in filesystem mode).
		const stored = await this.helpers.prepareBinaryData(
			first.body as unknown as Buffer,
			identity.fileName,
			identity.contentType,
		);
		return { ...(await recordingFromBinaryData.call(this, itemIndex, stored)), source: 'url' };
	}
	if (size === 0) refuseEmpty.call(this, itemIndex, identity.fileName);
	let unused: ByteStream | undefined = first.body;
	return {
		...identity,
		source: 'url',
		size,
		open: async () => {
			const body = unused ?? (await download()).body;
			unused = undefined;
			return body;
		},
		discard: () => {
			unused?.destroy?.();
			unused = undefined;
		},
	};
}
