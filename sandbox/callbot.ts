/** OMI callBot endpoints (omi-api.md section 3). */

import { randomUUID } from 'node:crypto';

import type { ResolvedOptions, RouteContext } from './core';
import { isPlainObject, readJsonBody, requireJsonObject, sendFail, sendJson, sendOk } from './envelope';
import { SCRIPTS } from './fixtures';
import { buildAnalyzedLogs, scriptDetail, scriptSummary } from './generate';
import type { PhoneError } from './types';

export function listScripts({ res }: RouteContext): void {
	sendOk(res, SCRIPTS.map(scriptSummary));
}

export function getScript({ res, params }: RouteContext): void {
	const script = SCRIPTS.find((s) => s.id === params[0]);
	if (!script) return sendFail(res, 'resource_not_found');
	sendOk(res, scriptDetail(script));
}

/** Vietnamese numbers as OMI dials them: a leading 0, 9 to 11 digits in all. */
const DIALABLE = /^0\d{8,10}$/;

function phoneError(phone: string, options: ResolvedOptions): PhoneError | undefined {
	if (options.dncPhones.has(phone)) return { phone, error_code: 'number_dnc', message: 'Number DNC' };
	if (options.invalidPhones.has(phone) || !DIALABLE.test(phone)) {
		return { phone, error_code: 'invalid_phone_number', message: 'Invalid phone number' };
	}
	return undefined;
}

const asText = (value: unknown) => (typeof value === 'string' || typeof value === 'number' ? String(value).trim() : '');

export async function executeByPhone({ req, res, url, core }: RouteContext): Promise<void> {
	const body = await requireJsonObject(req, res);
	if (!body) return;
	const contacts = body.contact_info;
	if (!Array.isArray(contacts) || contacts.length === 0) return sendFail(res, 'contact_info_is_required');
	const scriptId = asText(body.bot_script_id);
	if (!SCRIPTS.some((s) => s.id === scriptId)) return sendFail(res, 'resource_not_found');
	const extSessionId = asText(body.ext_session_id);
	// The double-submit guard only applies when the caller sends an id (OMI's callBot document).
	if (extSessionId !== '' && core.state.extSessionIds.has(extSessionId)) return sendFail(res, 'ext_session_id_existed');

	const errors: PhoneError[] = [];
	const acceptedPhones: string[] = [];
	for (const contact of contacts) {
		const phone = isPlainObject(contact) ? asText(contact.phone) : '';
		const error = phoneError(phone, core.options);
		if (error) errors.push(error);
		else acceptedPhones.push(phone);
	}

	const autocallId = randomUUID();
	if (extSessionId !== '') core.state.extSessionIds.add(extSessionId);
	core.state.sessions.set(autocallId, {
		autocallId,
		cidQuery: url.searchParams.get('cid'),
		body,
		errors,
		acceptedPhones,
		createdAt: Date.now(),
	});
	sendOk(res, { bot_script_id: scriptId, autocall_id: autocallId, errors });
}

export async function countCalls({ req, res, core }: RouteContext): Promise<void> {
	const body = await requireJsonObject(req, res);
	if (!body) return;
	const autocallId = asText(body.autocall_id);
	if (autocallId === '') return sendFail(res, 'autocall_id_is_required');
	const session = core.state.sessions.get(autocallId);
	if (!session) return sendFail(res, 'resource_not_found');
	const wanted = Array.isArray(body.phones) ? body.phones.map(asText).filter((p) => p !== '') : [];
	const phones = wanted.length === 0 ? session.acceptedPhones : session.acceptedPhones.filter((p) => wanted.includes(p));
	sendOk(res, phones.length);
}

const MAX_PAGE_SIZE = 100;

function positiveInt(raw: string | null, fallback: number): number {
	const value = raw !== null && /^\d+$/.test(raw.trim()) ? Number(raw) : 0;
	return value >= 1 ? value : fallback;
}

const searchable = (text: string) => text.normalize('NFC').toLowerCase();

export async function listAnalyzedLogs({ req, res, url, core }: RouteContext): Promise<void> {
	const body = await readJsonBody(req);
	if (body.kind === 'aborted') return;
	const refUuid = body.kind === 'json' && isPlainObject(body.value) ? asText(body.value.ref_uuid) : '';
	// This endpoint documents a plain 400 instead of the envelope (OMI's callBot document).
	if (refUuid === '') return sendJson(res, 400, { error: 'Invalid request' });
	const keywordRaw = body.kind === 'json' && isPlainObject(body.value) ? body.value.keyword : undefined;
	const keyword = typeof keywordRaw === 'string' ? searchable(keywordRaw.trim()) : '';

	const page = positiveInt(url.searchParams.get('page'), 1);
	const size = Math.min(MAX_PAGE_SIZE, positiveInt(url.searchParams.get('size'), 50));
	const all = buildAnalyzedLogs(refUuid, core.options.analyzedLogsPerSession);
	const matching = keyword === '' ? all : all.filter((item) => searchable(item.content).includes(keyword));
	const totalPages = Math.ceil(matching.length / size);
	const hasNext = page < totalPages;
	const hasPrevious = page > 1;
	sendOk(res, {
		items: matching.slice((page - 1) * size, page * size),
		page_number: page,
		page_size: size,
		total_items: matching.length,
		total_pages: totalPages,
		has_next: hasNext,
		// OMI's callBot document answers next_page 1 / previous_page 1 on a single page: the current page when there is no other.
		next_page: hasNext ? page + 1 : page,
		has_previous: hasPrevious,
		previous_page: hasPrevious ? page - 1 : page,
		extension: null,
	});
}
