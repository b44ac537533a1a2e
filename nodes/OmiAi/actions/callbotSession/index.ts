import type { INodeProperties } from 'n8n-workflow';

import type { Operation } from '../../../shared/router';
import type { OmiAiMap } from '../../node.type';

import * as countCalls from './countCalls.operation';
import * as getAnalyzedLogs from './getAnalyzedLogs.operation';
import * as start from './start.operation';

export const operations = { countCalls, getAnalyzedLogs, start } satisfies Record<OmiAiMap['callbotSession'], Operation>;

export const description: INodeProperties[] = [
	{
		displayName: 'Operation',
		name: 'operation',
		type: 'options',
		noDataExpression: true,
		displayOptions: { show: { resource: ['callbotSession'] } },
		options: [
			{
				name: 'Count Calls',
				value: 'countCalls',
				description:
					'Count the calls of a callBot session by its autocall ID, optionally only those to some phone numbers',
				action: 'Count the calls of a callbot session',
			},
			{
				name: 'Get Analyzed Logs',
				value: 'getAnalyzedLogs',
				description:
					"List a callBot session's analysed conversation log: what each contact said, with the intent and entities OMI recognised",
				action: 'Get the analyzed logs of a callbot session',
			},
			{
				name: 'Start',
				value: 'start',
				description:
					'Start an auto-call session: the callBot phones each contact with a script, filling its variables per contact',
				action: 'Start a callbot session',
			},
		],
		default: 'start',
	},
	...countCalls.description,
	...getAnalyzedLogs.description,
	...start.description,
];
