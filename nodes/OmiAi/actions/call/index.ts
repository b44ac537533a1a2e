import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import type { OmiAiMap } from '../../node.type';

import * as get from './get.operation';
import * as getMany from './getMany.operation';

export const operations = { get, getMany } satisfies Record<OmiAiMap['call'], Operation>;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['call'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: "Get one call from OMICall's call history by its call ID",
				action: 'Get a call',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: "Search OMICall's call history: calls of a time range, direction, agents, hotlines or customers",
				action: 'Get many calls',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getMany.description,
];
