import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import type { OmiAiMap } from '../../node.type';

import * as analyzeCall from './analyzeCall.operation';
import * as transcribe from './transcribe.operation';

export const operations = { analyzeCall, transcribe } satisfies Record<OmiAiMap['recording'], Operation>;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['recording'] } },
		options: [
			{
				name: 'Analyze Call',
				value: 'analyzeCall',
				description:
					'Upload a call recording (file or URL) for AI call analysis and QA scoring. The result arrives later at the OMI AI Trigger.',
				action: 'Analyze a call recording',
			},
			{
				name: 'Transcribe',
				value: 'transcribe',
				description:
					'Upload a call recording (file or URL) for speech-to-text. The transcript arrives later at the OMI AI Trigger.',
				action: 'Transcribe a call recording',
			},
		],
		default: 'transcribe',
	},
	...analyzeCall.description,
	...transcribe.description,
];
