import type { IExecuteFunctions, INodeType, INodeTypeDescription } from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import * as call from './actions/call';
import * as callbotScript from './actions/callbotScript';
import * as callbotSession from './actions/callbotSession';
import * as recording from './actions/recording';
import { router } from './actions/router';
import * as webhook from './actions/webhook';
import { searchScripts } from './methods/listSearch';
import { getScriptVariables } from './methods/resourceMapping';

export class OmiAi implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OMI AI',
		name: 'omiAi',
		icon: { light: 'file:../../icons/omi.svg', dark: 'file:../../icons/omi.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Transcribe and analyze call recordings and run callBot campaigns with OMICall',
		defaults: { name: 'OMI AI' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omiCallApi', required: true }],
		properties: [
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
		],
	};

	methods = { listSearch: { searchScripts }, resourceMapping: { getScriptVariables } };

	async execute(this: IExecuteFunctions) {
		return await router.call(this);
	}
}
