import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import type { OmiAiMap } from '../../node.type';

import * as register from './register.operation';

export const operations = { register } satisfies Record<OmiAiMap['webhook'], Operation>;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['webhook'] } },
		options: [
			{
				name: 'Register',
				value: 'register',
				description:
					'Register the URL where OMI posts transcription and call analysis results. OMI keeps one URL per account.',
				action: 'Register the AI results webhook',
			},
		],
		default: 'register',
	},
	...register.description,
];
