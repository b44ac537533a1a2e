import type { INodeProperties } from 'n8n-workflow';

import * as get from './get.operation';
import * as getMany from './getMany.operation';

export const operations = { get, getMany };

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
