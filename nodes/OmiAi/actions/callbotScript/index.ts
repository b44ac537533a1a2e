import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import type { OmiAiMap } from '../../node.type';

import * as get from './get.operation';
import * as getMany from './getMany.operation';

export const operations = { get, getMany } satisfies Record<OmiAiMap['callbotScript'], Operation>;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['callbotScript'] } },
		options: [
			{
				name: 'Get',
				value: 'get',
				description: 'Get a callBot script with its flow and variables',
				action: 'Get a callbot script',
			},
			{
				name: 'Get Many',
				value: 'getMany',
				description: 'List the callBot scripts of the account with their variables',
				action: 'Get many callbot scripts',
			},
		],
		default: 'getMany',
	},
	...get.description,
	...getMany.description,
];
