import type { IDataObject } from 'n8n-workflow';

import { type KnownFields, keepUnknownFields } from '../shared/unknownFields';
import type { OmiContext } from './transport';
import { omiApiRequestAllPages } from './transport';

/**
 * OMICall's call history, as docs/omicall-call-history.md describes what
 * this package relies on. Every shape here is an assumption from OMI's
 * public pages, not from OMI's AI and callBot documents: read fields defensively.
 */

export type CallDirection = 'inbound' | 'outbound' | 'local';

/** The search filter in OMI's v2 terms (docs/omicall-call-history.md, "Search"). */
export interface CallSearchFilter {
	/** Epoch ms, both ends inclusive (assumed: docs/omicall-call-history.md, "Search"). */
	fromDate?: number;
	toDate?: number;
	directions?: CallDirection[];
	/** Agent extensions. */
	sipUsers?: string[];
	/** Hotlines. */
	sipNumbers?: string[];
	/** Customer phones. */
	phoneNumbers?: string[];
	/** Call UUIDs. */
	transactionIds?: string[];
}

const CALL_HISTORY_ENDPOINTS = {
	v2: { path: '/api/v2/callTransaction/search', body: (filter: CallSearchFilter): IDataObject => ({ ...filter }) },
	// Announced by OMI, request known only from a third-party integration (docs/omicall-call-history.md, "Versions").
	v3: {
		path: '/api/v3/call-transaction/search',
		body: (filter: CallSearchFilter): IDataObject => ({
			filter: { ...filter },
			sort: { field: 'created_date', isAsc: false },
		}),
	},
};

/** The one line to change when OMI retires v2. */
export const CALL_HISTORY_VERSION: keyof typeof CALL_HISTORY_ENDPOINTS = 'v2';

export const CALL_HISTORY_ENDPOINT = CALL_HISTORY_ENDPOINTS[CALL_HISTORY_VERSION];

/** Every call matching the filter, or the first `limit`, following OMI's pages of 50. */
export async function searchCalls(
	this: OmiContext,
	filter: CallSearchFilter,
	limit?: number,
	itemIndex?: number,
): Promise<IDataObject[]> {
	return await omiApiRequestAllPages.call(
		this,
		{
			method: 'POST',
			// The call history sits on the callBot host with its Bearer token (docs/omicall-call-history.md, "Auth and host").
			path: CALL_HISTORY_ENDPOINT.path,
			body: CALL_HISTORY_ENDPOINT.body(filter),
			itemIndex,
		},
		limit,
	);
}

const text = (value: unknown): string | null =>
	typeof value === 'string' && value.trim() !== '' ? value.trim() : typeof value === 'number' ? String(value) : null;

const seconds = (value: unknown): number => {
	const number = typeof value === 'string' ? Number(value) : value;
	return typeof number === 'number' && Number.isFinite(number) && number > 0 ? number : 0;
};

/**
 * Epoch ms of an OMI time. Some fields are documented in seconds and others
 * in ms; a value below 10^11 (year 1973 in ms) can only be seconds.
 */
export function epochMsOf(value: unknown): number | undefined {
	const number = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
	if (typeof number !== 'number' || !Number.isFinite(number) || number <= 0) return undefined;
	return number < 1e11 ? number * 1000 : number;
}

const isoOf = (value: unknown): string | null => {
	const ms = epochMsOf(value);
	return ms === undefined ? null : new Date(ms).toISOString();
};

/** When the call started, in epoch ms (docs/omicall-call-history.md, "The call record"). */
export const callStartMs = (record: IDataObject): number | undefined =>
	epochMsOf(record.time_start_call) ?? epochMsOf(record.created_date);

/**
 * The latest of a call's times, in epoch ms. Whichever of them OMI's time
 * range compares, a search from after this instant cannot return the call.
 */
export function latestTimeMs(record: IDataObject): number | undefined {
	const times = [record.created_date, record.time_start_call, record.time_end_call, record.last_updated_date]
		.map(epochMsOf)
		.filter((ms): ms is number => ms !== undefined);
	return times.length > 0 ? Math.max(...times) : undefined;
}

export const callIdOf = (record: IDataObject): string => text(record.transaction_id) ?? '';

export const talkSecondsOf = (record: IDataObject): number => seconds(record.bill_sec);

export const recordingUrlOf = (record: IDataObject): string | null =>
	text(record.recording_file_url) ?? (/^https?:\/\//.test(String(record.recording_file ?? '')) ? text(record.recording_file) : null);

/** A missing disposition counts as answered when there was talk time (not every example carries it). */
export function isAnswered(record: IDataObject): boolean {
	const disposition = text(record.disposition)?.toLowerCase();
	return disposition ? disposition === 'answered' : talkSecondsOf(record) > 0;
}

function customerPhoneOf(record: IDataObject): string | null {
	const phone = text(record.phone_number);
	if (phone) return phone;
	return text(record.direction === 'inbound' ? record.source_number : record.destination_number);
}

/** The call record's fields as docs/omicall-call-history.md lists them ("The call record"). */
const KNOWN_CALL_FIELDS: KnownFields = {
	transaction_id: true,
	tenant_id: true,
	direction: true,
	source_number: true,
	destination_number: true,
	disposition: true,
	bill_sec: true,
	record_seconds: true,
	duration: true,
	time_start_to_answer: true,
	time_start_call: true,
	time_ringing_start: true,
	time_answer_start: true,
	time_end_call: true,
	recording_file: true,
	recording_file_url: true,
	sip_user: true,
	sip_number: true,
	phone_number: true,
	user: { '[]': { full_name: true, note: true, tag: true } },
	customer: { full_name: true },
	create_by: { id: true, name: true, contact_id: true },
	is_auto_call: true,
	autocall_id: true,
	autocall_uuid: true,
	provider: true,
	call_out_price: true,
	note: true,
	tag: true,
	created_date: true,
	last_updated_date: true,
};

/**
 * The fields a QA workflow needs, under names that explain themselves; the
 * raw output (Simplify off) keeps OMI's whole record. Fields the documents do
 * not show are kept in `otherFields` and named in `warnings`.
 */
export function simplifyCall(record: IDataObject): IDataObject {
	const users = Array.isArray(record.user) ? (record.user as IDataObject[]) : [];
	const createdBy = (record.create_by ?? {}) as IDataObject;
	const customer = (record.customer ?? {}) as IDataObject;
	const startMs = callStartMs(record);
	const endMs =
		epochMsOf(record.time_end_call) ?? (startMs !== undefined && seconds(record.duration) > 0 ? startMs + seconds(record.duration) * 1000 : undefined);
	const isCallbot = record.is_auto_call === true || text(record.autocall_uuid) !== null;
	const simplified = {
		callId: callIdOf(record),
		direction: text(record.direction),
		startedAt: startMs === undefined ? null : new Date(startMs).toISOString(),
		answeredAt: isoOf(record.time_answer_start ?? record.time_start_to_answer),
		endedAt: endMs === undefined ? null : new Date(endMs).toISOString(),
		talkSeconds: talkSecondsOf(record),
		recordingSeconds: seconds(record.record_seconds),
		agent: { name: text(users[0]?.full_name) ?? text(createdBy.name), extension: text(record.sip_user) },
		customer: { name: text(customer.full_name), phone: customerPhoneOf(record) },
		hotline: text(record.sip_number),
		disposition: text(record.disposition) ?? (talkSecondsOf(record) > 0 ? 'answered' : null),
		recordingUrl: recordingUrlOf(record),
		callbotSessionId: isCallbot ? (text(record.autocall_uuid) ?? text(record.autocall_id)) : null,
	};
	return keepUnknownFields(simplified, record, KNOWN_CALL_FIELDS);
}
