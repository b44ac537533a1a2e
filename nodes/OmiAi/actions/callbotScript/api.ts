import type { IDataObject } from 'n8n-workflow';

import type { OmiContext } from '../../transport';
import { omiApiRequest } from '../../transport';

/** A script variable as OMI lists it (docs/omi-api.md §3.2). */
export interface OmiScriptVariable extends IDataObject {
	field_code: string;
	field_name: string;
	field_type?: string;
	type?: string;
}

export interface OmiScript extends IDataObject {
	id: string;
	name?: string;
	variables?: OmiScriptVariable[];
}

export async function listScripts(this: OmiContext, itemIndex?: number): Promise<OmiScript[]> {
	const payload = await omiApiRequest.call(this, {
		method: 'GET',
		api: 'callbot',
		path: '/api/call_bot/script/list',
		itemIndex,
	});
	return Array.isArray(payload) ? (payload as OmiScript[]) : [];
}

export async function getScript(this: OmiContext, scriptId: string, itemIndex?: number): Promise<OmiScript> {
	return (await omiApiRequest.call(this, {
		method: 'GET',
		api: 'callbot',
		path: `/api/call_bot/get_by_id/${encodeURIComponent(scriptId)}`,
		itemIndex,
	})) as OmiScript;
}
