import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { uploadProperties, uploadRecordings } from './upload';

export const description = updateDisplayOptions(
	{ show: { resource: ['recording'], operation: ['transcribe'] } },
	uploadProperties,
);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await uploadRecordings.call(this, items, { operation: 'transcribe', path: '/api/ai/speech_to_text' });
}
