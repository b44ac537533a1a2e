/**
 * OMICall's call history, as docs/omicall-call-history.md describes what
 * the nodes rely on; every "(assumed)" there is implemented here. Calls are added by the control API or by
 * the call stream; each can appear in the search late and get its
 * recording late, as a PBX that uploads recordings after the call would.
 */

import { randomUUID } from 'node:crypto';

import type { RouteContext } from './core';
import { isPlainObject, readJsonBody, sendFail, sendOk } from './envelope';
import { addFields } from './faults';
import type { CallSpec, SandboxCall } from './types';

const AGENTS = [
	{ extension: '101', name: 'Nguyễn Thị Lan', email: 'lan.nguyen@sandbox.omicall.vn' },
	{ extension: '102', name: 'Trần Văn Minh', email: 'minh.tran@sandbox.omicall.vn' },
	{ extension: '103', name: 'Lê Hoàng Yến', email: 'yen.le@sandbox.omicall.vn' },
	{ extension: '104', name: 'Phạm Quốc Bảo', email: 'bao.pham@sandbox.omicall.vn' },
];

const CUSTOMERS = ['Đỗ Minh Tuấn', 'Vũ Thu Hà', 'Bùi Đức Long', 'Hoàng Mai Anh', 'Ngô Thanh Tùng', 'Đặng Kim Chi'];

const HOTLINES = ['02873001234', '02473005678'];

/** The largest page OMI documents for the call history. */
const MAX_PAGE_SIZE = 50;

const pick = <T>(list: T[], n: number): T => list[Math.abs(n) % list.length];

/** Builds a call from what the caller asked for; everything left out is filled in plausibly. */
export function createCall(spec: CallSpec, sequence: number, now = Date.now()): SandboxCall {
	const answered = spec.answered ?? true;
	const talkSeconds = answered ? Math.max(1, Math.round(spec.talkSeconds ?? 45 + (sequence % 7) * 20)) : 0;
	const ringSeconds = spec.ringSeconds ?? 8;
	const agent = spec.agentExtension
		? (AGENTS.find((a) => a.extension === spec.agentExtension) ?? {
				extension: spec.agentExtension,
				name: `Agent ${spec.agentExtension}`,
				email: `${spec.agentExtension}@sandbox.omicall.vn`,
			})
		: pick(AGENTS, sequence);
	const endedAt = spec.endedAt ?? now;
	const startedAt = endedAt - (ringSeconds + talkSeconds) * 1000;
	return {
		id: spec.id ?? randomUUID(),
		direction: spec.direction ?? (sequence % 3 === 2 ? 'outbound' : 'inbound'),
		startedAt,
		answeredAt: answered ? startedAt + ringSeconds * 1000 : null,
		endedAt,
		talkSeconds,
		agent,
		customerName: spec.customerName ?? pick(CUSTOMERS, sequence),
		customerPhone: spec.customerPhone ?? `09${String(10_000_000 + ((sequence * 7_919) % 90_000_000)).padStart(8, '0')}`,
		hotline: spec.hotline ?? pick(HOTLINES, sequence),
		recording: answered && (spec.recording ?? true),
		visibleAt: endedAt + Math.max(0, spec.appearAfterMs ?? 0),
		recordingAt: endedAt + Math.max(0, spec.recordingAfterMs ?? 0),
		autocallId: spec.autocallId ?? null,
		extraFields: spec.extraFields ?? {},
	};
}

const epochSeconds = (ms: number | null) => (ms === null ? null : Math.floor(ms / 1000));

/** A call as OMI's search returns it, at `now`, for a client that reached the sandbox at `origin`. */
export function callRecord(call: SandboxCall, origin: string, now: number): Record<string, unknown> {
	const recordingReady = call.recording && now >= call.recordingAt;
	const recordingUrl = recordingReady ? `${origin}/recordings/${call.id}.wav?seconds=${call.talkSeconds}` : '';
	const inbound = call.direction === 'inbound';
	const record = {
		transaction_id: call.id,
		tenant_id: 'sandbox-tenant',
		direction: call.direction,
		source_number: inbound ? call.customerPhone : call.hotline,
		destination_number: inbound ? call.hotline : call.customerPhone,
		disposition: call.answeredAt === null ? 'cancelled' : 'answered',
		bill_sec: call.talkSeconds,
		record_seconds: recordingReady ? call.talkSeconds : 0,
		duration: Math.round((call.endedAt - call.startedAt) / 1000),
		time_start_to_answer: epochSeconds(call.answeredAt),
		time_start_call: epochSeconds(call.startedAt),
		time_ringing_start: epochSeconds(call.startedAt),
		time_answer_start: epochSeconds(call.answeredAt),
		time_end_call: epochSeconds(call.endedAt),
		recording_file: recordingReady ? `${call.id}.wav` : '',
		recording_file_url: recordingUrl,
		sip_user: call.agent.extension,
		sip_number: call.hotline,
		phone_number: call.customerPhone,
		user: [{ full_name: call.agent.name, note: '', tag: [] }],
		customer: { full_name: call.customerName },
		create_by: { id: `agent-${call.agent.extension}`, name: call.agent.name, contact_id: null },
		is_auto_call: call.autocallId !== null,
		autocall_id: call.autocallId,
		autocall_uuid: call.autocallId,
		provider: 'viettel',
		call_out_price: inbound ? 0 : Math.ceil(call.talkSeconds / 60) * 800,
		note: '',
		tag: [],
		created_date: call.startedAt,
		last_updated_date: recordingReady ? Math.max(call.endedAt, call.recordingAt) : call.endedAt,
	};
	return addFields(record, call.extraFields);
}

/** The search filter, in the v2 body's terms; v3 nests the same fields under `filter`. */
interface SearchFilter {
	fromDate?: number;
	toDate?: number;
	directions?: string[];
	sipNumbers?: string[];
	sipUsers?: string[];
	phoneNumbers?: string[];
	transactionIds?: string[];
	agentEmails?: string[];
}

const LIST_FIELDS = ['directions', 'sipNumbers', 'sipUsers', 'phoneNumbers', 'transactionIds', 'agentEmails'] as const;

/** The filter, or the name of the field that is malformed. */
function readFilter(raw: Record<string, unknown>): SearchFilter | string {
	const filter: SearchFilter = {};
	for (const field of ['fromDate', 'toDate'] as const) {
		const value = raw[field];
		if (value === undefined || value === null || value === '') continue;
		if (typeof value !== 'number' || !Number.isFinite(value)) return field;
		filter[field] = value;
	}
	for (const field of LIST_FIELDS) {
		const value = raw[field];
		if (value === undefined || value === null) continue;
		if (!Array.isArray(value) || value.some((entry) => typeof entry !== 'string')) return field;
		if (value.length > 0) filter[field] = value as string[];
	}
	return filter;
}

function matches(call: SandboxCall, filter: SearchFilter): boolean {
	const inList = (list: string[] | undefined, value: string) => list === undefined || list.includes(value);
	return (
		(filter.fromDate === undefined || call.startedAt >= filter.fromDate) &&
		(filter.toDate === undefined || call.startedAt <= filter.toDate) &&
		inList(filter.directions, call.direction) &&
		inList(filter.sipNumbers, call.hotline) &&
		inList(filter.sipUsers, call.agent.extension) &&
		inList(filter.phoneNumbers, call.customerPhone) &&
		inList(filter.transactionIds, call.id) &&
		inList(filter.agentEmails, call.agent.email)
	);
}

function positiveInt(raw: string | null, fallback: number): number {
	const value = raw !== null && /^\d+$/.test(raw.trim()) ? Number(raw) : 0;
	return value >= 1 ? value : fallback;
}

/** POST /api/v2/callTransaction/search (flat body) and /api/v3/call-transaction/search (`filter` + `sort`). */
export function searchCalls(version: 'v2' | 'v3') {
	return async ({ req, res, url, core }: RouteContext): Promise<void> => {
		const body = await readJsonBody(req);
		if (body.kind === 'aborted') return;
		if (body.kind === 'invalid' || body.kind === 'too-large' || (body.kind === 'json' && !isPlainObject(body.value))) {
			return sendFail(res, 'request_body_invalid');
		}
		const raw = body.kind === 'json' ? (body.value as Record<string, unknown>) : {};
		const rawFilter = version === 'v3' ? raw.filter ?? {} : raw;
		if (!isPlainObject(rawFilter)) return sendFail(res, 'filter_invalid');
		const filter = readFilter(rawFilter);
		if (typeof filter === 'string') return sendFail(res, `${filter}_invalid`);
		const ascending = version === 'v3' && isPlainObject(raw.sort) && raw.sort.isAsc === true;

		const now = Date.now();
		const found = core.state.calls.filter((call) => call.visibleAt <= now && matches(call, filter));
		// Newest first, as OMI's web app lists calls; same-second calls keep the order they were made in.
		found.sort((a, b) => (ascending ? a.startedAt - b.startedAt : b.startedAt - a.startedAt));

		const page = positiveInt(url.searchParams.get('page'), 1);
		const size = Math.min(MAX_PAGE_SIZE, positiveInt(url.searchParams.get('size'), MAX_PAGE_SIZE));
		const totalPages = Math.ceil(found.length / size);
		const hasNext = page < totalPages;
		const origin = `http://${req.headers.host ?? '127.0.0.1'}`;
		core.state.callSearches++;
		sendOk(res, {
			items: found.slice((page - 1) * size, page * size).map((call) => callRecord(call, origin, now)),
			page_number: page,
			page_size: size,
			total_items: found.length,
			total_pages: totalPages,
			has_next: hasNext,
			next_page: hasNext ? page + 1 : page,
			has_previous: page > 1,
			previous_page: page > 1 ? page - 1 : page,
		});
	};
}

/**
 * The demo's traffic: every `everyMs`, a few finished calls, mostly answered
 * with a recording, one in five unanswered, one in six without a recording,
 * one in four with its recording attached 20 s late.
 */
export function streamCallSpecs(tick: number): CallSpec[] {
	const specs: CallSpec[] = [];
	for (let i = 0; i < 3; i++) {
		const n = tick * 3 + i;
		specs.push({
			answered: n % 5 !== 4,
			recording: n % 6 !== 5,
			recordingAfterMs: n % 4 === 1 ? 20_000 : 0,
			talkSeconds: n % 7 === 3 ? 12 : 30 + (n % 5) * 15,
		});
	}
	return specs;
}
