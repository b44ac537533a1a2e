import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as call from './actions/call';
import * as callbotScript from './actions/callbotScript';
import * as callbotSession from './actions/callbotSession';
import * as recording from './actions/recording';
import { router } from './actions/router';
import { toolDescriptionProperties } from './actions/tool.descriptions';
import { OMI_NODE_CREATOR_DESCRIPTION } from '../omi/n8n';
import * as webhook from './actions/webhook';
import { searchScripts } from './methods/listSearch';
import { getScriptVariables } from './methods/resourceMapping';
import { operationSubtitle } from '../shared/subtitle';

const properties: INodeTypeDescription['properties'] = [
	...toolDescriptionProperties,
	{
		displayName: 'Resource',
		name: 'resource',
		type: 'options',
		noDataExpression: true,
		options: [
			{ name: 'Call', value: 'call' },
			{ name: 'Callbot Script', value: 'callbotScript' },
			{ name: 'Callbot Session', value: 'callbotSession' },
			{ name: 'Recording', value: 'recording' },
			{ name: 'Webhook', value: 'webhook' },
		],
		default: 'recording',
	},
	...call.description,
	...callbotScript.description,
	...callbotSession.description,
	...recording.description,
	...webhook.description,
];

export class OmiAi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OMI AI',
		name: 'omiAi',
		icon: { light: 'file:../../icons/omi.svg', dark: 'file:../../icons/omi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: operationSubtitle(properties),
		description: OMI_NODE_CREATOR_DESCRIPTION,
		defaults: { name: 'OMI AI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omiCallApi', required: true }],
		properties,
	};

	methods = { listSearch: { searchScripts }, resourceMapping: { getScriptVariables } };

	async execute(this: IExecuteFunctions) {
		return await router.call(this);
	}
}
