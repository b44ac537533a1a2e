import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import type { AlovoiceMap } from '../../node.type';

import * as analyzeAndWait from './analyzeAndWait.operation';
import * as getResult from './getResult.operation';
import * as send from './send.operation';

export const operations = { analyzeAndWait, getResult, send } satisfies Record<AlovoiceMap['callAnalysis'], Operation>;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['callAnalysis'] } },
		options: [
			{
				name: 'Analyze and Wait',
				value: 'analyzeAndWait',
				description: 'Send a recorded call to AI analysis and wait for the transcript and rule hits',
				action: 'Analyze a call and wait for the result',
			},
			{
				name: 'Get Result',
				value: 'getResult',
				description: 'Get the AI analysis of a call sent earlier, optionally waiting until it is ready',
				action: 'Get the analysis result of a call',
			},
			{
				name: 'Send to Analysis',
				value: 'send',
				description: 'Send a recorded call to AI analysis without waiting for the result',
				action: 'Send a call to analysis',
			},
		],
		default: 'analyzeAndWait',
	},
	...analyzeAndWait.description,
	...getResult.description,
	...send.description,
];
