import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';

import type { Routes } from '../../shared/router';
import { route } from '../../shared/router';
import { runsAsTool } from '../../shared/n8n';
import { toolFailureAnswer } from '../helpers/asTool';
import type { OmiAiMap } from '../node.type';
import * as call from './call';
import * as callbotScript from './callbotScript';
import * as callbotSession from './callbotSession';
import * as recording from './recording';
import * as webhook from './webhook';

export const routes: Routes<OmiAiMap> = {
	call: call.operations,
	callbotScript: callbotScript.operations,
	callbotSession: callbotSession.operations,
	recording: recording.operations,
	webhook: webhook.operations,
};

export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
	if (!runsAsTool(this)) return await route.call(this, routes);
	try {
		return await route.call(this, routes);
	} catch (error) {
		return [toolFailureAnswer(error)];
	}
}
