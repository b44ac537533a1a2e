import type { IDataObject } from 'n8n-workflow';

import type { OmiContext } from './transport';
import type { OmiAnswer } from './transport';
import { omiApiRequest, omiApiRequestAllPages, omiApiRequestWithAnswer } from './transport';

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
		path: '/api/call_bot/script/list',
		itemIndex,
	});
	return Array.isArray(payload) ? (payload as OmiScript[]) : [];
}

export async function getScript(this: OmiContext, scriptId: string, itemIndex?: number): Promise<OmiScript> {
	return (await omiApiRequest.call(this, {
		method: 'GET',
		path: `/api/call_bot/get_by_id/${encodeURIComponent(scriptId)}`,
		itemIndex,
	})) as OmiScript;
}

/** How many calls of a session OMI made to these phones (docs/omi-api.md §3.3). */
export async function countSessionCalls(
	this: OmiContext,
	autocallId: string,
	phones: string[],
	itemIndex?: number,
): Promise<number> {
	const count = await omiApiRequest.call(this, {
		method: 'POST',
		path: '/api/call_bot/call/count',
		body: { autocall_id: autocallId, phones },
		itemIndex,
	});
	return Number(count);
}

/** A session's analysed call logs, page after page (docs/omi-api.md §3.5). */
export async function listAnalyzedLogs(
	this: OmiContext,
	filter: { sessionId: string; keyword: string },
	limit: number | undefined,
	itemIndex?: number,
): Promise<IDataObject[]> {
	return await omiApiRequestAllPages.call(
		this,
		{
			method: 'POST',
			path: '/api/call_bot/analyzed_log/list',
			body: { keyword: filter.keyword, ref_uuid: filter.sessionId },
			itemIndex,
		},
		limit,
	);
}

/**
 * Starts a callBot session (docs/omi-api.md §3.1). `ext_session_id_existed`
 * means a repeat of a session already started: it gets its own explanation.
 */
export async function executeByPhone(
	this: OmiContext,
	body: IDataObject,
	callingNumber: string,
	itemIndex?: number,
): Promise<OmiAnswer<unknown>> {
	return await omiApiRequestWithAnswer.call(this, {
		method: 'POST',
		path: '/api/call_bot/execute_by_phone',
		// OMI documents cid both in the query (empty for internal calls) and in the body.
		qs: { cid: callingNumber },
		body,
		itemIndex,
		errorMessages: {
			ext_session_id_existed: {
				message: `This campaign was already started: OMI already has a session with External Session ID "${String(body.ext_session_id)}"`,
				description:
					'Nothing was started again, so no contact is called twice. To start a new session on purpose, set Options › External Session ID to a new value.',
			},
		},
	});
}
