import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { operationSubtitle } from '../shared/subtitle';
import * as callAnalysis from './actions/callAnalysis';
import { router } from './actions/router';

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
		return await router.call(this);
	}
}
