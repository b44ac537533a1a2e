import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { runsAsTool } from '../../../shared/n8n';
import { ItemParameters } from '../../helpers/itemParameters';
import { isItemFailure, mapItems, settleItems } from '../../../shared/items';
import { asText } from '../../../shared/parameters';
import { type OmiAnswer, omiApiRequestWithAnswer } from '../../../omi/transport';
import { StreamedMultipartBody } from '../../../omi/multipart';
import { ASYNC_RESULT_NOTE } from '../tool.descriptions';
import { omiAnswerWarnings } from '../../../omi/answerFields';
import type { Recording } from './source';
import { recordingFromBinary, recordingFromUrl, recordingUrlOf } from './source';

/** The parameters Transcribe and Analyze Call share: both upload one recording per item. */
export const uploadProperties: INodeProperties[] = [
	{
		displayName: 'Recording Source',
		name: 'source',
		type: 'options',
		options: [
			{
				name: 'Binary File',
				value: 'binary',
				description:
					'A file from an earlier node: Google Drive, an HTTP download, an email attachment (not for AI agents: a tool receives no file)',
			},
			{
				name: 'Recording URL',
				value: 'url',
				description: 'A link to the recording, which the node downloads and forwards to OMI',
			},
		],
		default: 'binary',
	},
	{
		displayName: 'Input Binary Field',
		name: 'binaryPropertyName',
		type: 'string',
		default: 'data',
		required: true,
		hint: 'The name of the binary field that holds the recording (.wav, .mp3 or .m4a)',
		displayOptions: { show: { source: ['binary'] } },
	},
	{
		displayName: 'Recording URL',
		name: 'recordingUrl',
		type: 'string',
		default: '',
		required: true,
		placeholder: 'e.g. https://example.com/calls/2024-05-01-0912.mp3',
		description: 'Public http(s) link to a .wav, .mp3 or .m4a recording',
		displayOptions: { show: { source: ['url'] } },
	},
	{
		displayName: 'Tracking ID',
		name: 'trackingId',
		type: 'string',
		default: "={{ 'n8n-' + $execution.id + '-' + $itemIndex }}",
		description:
			'Sent with the recording and echoed in the result, so the OMI AI Trigger can match result to call. Set it to your own ID, for example a CRM call ID, to match on it later.',
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add Option',
		default: {},
		options: [
			{
				displayName: 'Concurrency',
				name: 'concurrency',
				type: 'number',
				typeOptions: { minValue: 1, maxValue: 50 },
				default: 5,
				description: 'How many recordings to upload at the same time. The output keeps the input order.',
			},
			{
				displayName: 'Timeout (Seconds)',
				name: 'timeoutSeconds',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 300,
				description: 'How long a download or upload may stay silent before it is given up',
			},
		],
	},
];

/** What OMI's acknowledgement of an upload holds (docs/omi-api.md §2.2). */
const UPLOAD_ACKNOWLEDGEMENT = { tracking_id: true, status: true } as const;

export interface UploadTarget {
	operation: 'transcribe' | 'analyzeCall';
	path: '/api/ai/speech_to_text' | '/api/ai/call_analyze';
}

interface PreparedUpload {
	trackingId: string;
	recording: () => Promise<Recording>;
}

/**
 * What can be checked without downloading: the tracking ID, the binary
 * field, the file's format and size, the URL's form.
 */
async function prepareUpload(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	itemIndex: number,
	parameters: ItemParameters,
	timeoutMs: number,
): Promise<PreparedUpload> {
	const item = items[itemIndex];
	const trackingId = asText(parameters.value('trackingId', item, itemIndex));
	if (!trackingId) {
		throw new NodeOperationError(this.getNode(), `The Tracking ID of item ${itemIndex} is empty`, {
			itemIndex,
			description: 'OMI needs a tracking ID to return the result. Leave the default or map an ID.',
		});
	}
	if (parameters.value('source', item, itemIndex) === 'url') {
		const url = recordingUrlOf.call(this, itemIndex, asText(parameters.value('recordingUrl', item, itemIndex)));
		return { trackingId, recording: async () => await recordingFromUrl.call(this, itemIndex, url, timeoutMs) };
	}
	if (runsAsTool(this)) {
		throw new NodeOperationError(this.getNode(), 'This tool reads a binary file, and an AI tool receives no files', {
			itemIndex,
			description:
				"Ask the user for the recording's http(s) URL. The workflow's author must set this tool's Recording Source to Recording URL and let the model fill the URL.",
		});
	}
	const recording = await recordingFromBinary.call(
		this,
		items,
		itemIndex,
		asText(parameters.value('binaryPropertyName', item, itemIndex)),
	);
	return { trackingId, recording: async () => recording };
}

export async function uploadRecordings(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	target: UploadTarget,
): Promise<INodeExecutionData[]> {
	const { concurrency = 5, timeoutSeconds = 300 } = this.getNodeParameter('options', 0, {}) as IDataObject as {
		concurrency?: number;
		timeoutSeconds?: number;
	};
	const timeoutMs = timeoutSeconds * 1000;
	const parameters = new ItemParameters(this);

	// Every item is checked before the first upload: a bad item in the middle
	// must not stop the node after OMI has already been sent (and billed for)
	// the ones before it, which a rerun would send again.
	const prepared = await settleItems(
		this,
		items.length,
		async (itemIndex) => await prepareUpload.call(this, items, itemIndex, parameters, timeoutMs),
		concurrency,
	);

	return await mapItems.call(
		this,
		items,
		async (itemIndex) => {
			const upload = prepared[itemIndex];
			if (isItemFailure(upload)) throw upload;
			const recording = await upload.recording();
			const body = new StreamedMultipartBody({ tracking_id: upload.trackingId }, 'file', recording);
			let answered: OmiAnswer<unknown>;
			try {
				answered = await omiApiRequestWithAnswer.call(this, {
					method: 'POST',
					path: target.path,
					body: body as unknown as IDataObject,
					headers: { 'Content-Type': body.type },
					itemIndex,
					timeoutMs,
				});
			} finally {
				body.close();
			}
			return {
				trackingId: upload.trackingId,
				operation: target.operation,
				fileName: recording.fileName,
				fileSize: recording.size,
				contentType: recording.contentType,
				source: recording.source,
				response: answered.payload as IDataObject,
				omiAnswer: answered.answer,
				...(runsAsTool(this) ? { resultArrives: ASYNC_RESULT_NOTE } : {}),
				...omiAnswerWarnings(answered.answer, UPLOAD_ACKNOWLEDGEMENT),
			};
		},
		concurrency,
	);
}
