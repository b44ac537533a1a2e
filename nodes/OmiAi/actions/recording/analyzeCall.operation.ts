import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { uploadProperties, uploadRecordings } from './upload';

export const description = updateDisplayOptions(
	{ show: { resource: ['recording'], operation: ['analyzeCall'] } },
	uploadProperties,
);

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await uploadRecordings.call(this, items, { operation: 'analyzeCall', path: '/api/ai/call_analyze' });
}
