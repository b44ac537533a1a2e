import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import * as call from './call';
import * as callbotScript from './callbotScript';
import * as callbotSession from './callbotSession';
import * as recording from './recording';
import * as webhook from './webhook';

type Operation = (this: IExecuteFunctions, items: INodeExecutionData[]) => Promise<INodeExecutionData[]>;

const operationsByResource: Record<string, Record<string, { execute: Operation }>> = {
	call: call.operations,
	callbotScript: callbotScript.operations,
	callbotSession: callbotSession.operations,
	recording: recording.operations,
	webhook: webhook.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const handler = operationsByResource[resource]?.[operation];
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return [await handler.execute.call(this, this.getInputData())];
}
