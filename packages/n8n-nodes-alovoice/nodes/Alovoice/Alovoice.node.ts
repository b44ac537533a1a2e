import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { operationSubtitle } from '../shared/subtitle';
import * as callAnalysis from './actions/callAnalysis';

const properties: INodeTypeDescription['properties'] = [
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [{ name: 'Call Analysis', value: 'callAnalysis' }],
		default: 'callAnalysis',
	},
	...callAnalysis.description,
];

export class Alovoice implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Alovoice',
		name: 'alovoice',
		icon: { light: 'file:../../icons/alovoice.svg', dark: 'file:../../icons/alovoice.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description: 'Transcribe recorded calls and check them against your rules with Alovoice speech analytics',
		defaults: { name: 'Alovoice' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'alovoiceApi', required: true }],
		properties,
	};

	async execute(this: IExecuteFunctions) {
		// One resource so far: its operations are the whole routing table.
		const operation = this.getNodeParameter('operation', 0) as string;
		if (!Object.hasOwn(callAnalysis.operations, operation)) {
			throw new NodeOperationError(this.getNode(), `The operation "${operation}" is not supported`);
		}
		const { execute } = callAnalysis.operations[operation as keyof typeof callAnalysis.operations];
		return [await execute.call(this, this.getInputData())];
	}
}
