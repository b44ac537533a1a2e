import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../shared/json';

/**
 * Turns the result bodies OMI posts (shared/omi-api.md §2) into flat items a
 * workflow can test without a Code node. OMI does not document the inner
 * shapes, so every reader here accepts what it can and never throws.
 */

export type OmiResultEvent = 'transcriptionCompleted' | 'callAnalysisCompleted' | 'unknown';

const ANALYSIS_FIELDS = [
	'analyst_results',
	'criteria_classification_result',
	'quality_evaluation_result',
	'nl_analyze_result',
	'keyword_count',
	'result_nlp_analytics',
	'staff_talk_time',
	'customer_talk_time',
	'staff_word_alignments',
	'customer_word_alignments',
];

const TRANSCRIPTION_FIELDS = ['text', 'word_alignment', 'from', 'to'];

/** An analysis may carry text too, so its own fields decide first. */
export function detectEvent(body: IDataObject): OmiResultEvent {
	const has = (field: string) => body[field] !== undefined && body[field] !== null;
	if (ANALYSIS_FIELDS.some(has)) return 'callAnalysisCompleted';
	if (TRANSCRIPTION_FIELDS.some(has)) return 'transcriptionCompleted';
	return 'unknown';
}

export function trackingIdOf(body: IDataObject): string {
	const id = body.tracking_id ?? body.trackingId;
	return typeof id === 'string' || typeof id === 'number' ? String(id) : '';
}

/** OMI sends some objects and arrays as JSON text; anything that is not JSON stays as it came. */
export function parseJsonText(value: unknown): unknown {
	if (typeof value !== 'string') return value;
	const text = value.trim();
	if (!text.startsWith('{') && !text.startsWith('[')) return value;
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return value;
	}
}

function toNumber(value: unknown): number | null {
	if (typeof value === 'number') return Number.isFinite(value) ? value : null;
	if (typeof value === 'string' && value.trim() !== '') {
		const parsed = Number(value);
		return Number.isFinite(parsed) ? parsed : null;
	}
	return null;
}

const toText = (value: unknown) => (typeof value === 'string' ? value : '');

const objectOrEmpty = (value: unknown): IDataObject => {
	const parsed = parseJsonText(value);
	return isPlainObject(parsed) ? parsed : {};
};

function arrayOf(value: unknown): unknown[] {
	const parsed = parseJsonText(value);
	if (Array.isArray(parsed)) return parsed;
	// Word lists sometimes come wrapped, as in `{ speaker, words: [...] }`.
	if (isPlainObject(parsed) && Array.isArray(parsed.words)) return parsed.words;
	return [];
}

const textList = (value: unknown) => arrayOf(value).filter((entry): entry is string => typeof entry === 'string');

export interface TimedWord {
	word: string;
	start: number | null;
	end: number | null;
}

function toWords(value: unknown): TimedWord[] {
	return arrayOf(value)
		.filter(isPlainObject)
		.map((entry) => ({
			word: toText(entry.word ?? entry.text),
			start: toNumber(entry.start ?? entry.from),
			end: toNumber(entry.end ?? entry.to),
		}));
}

export interface TranscriptSegment {
	start: number | null;
	end: number | null;
	text: string;
	words: TimedWord[];
}

/**
 * OMI documents one `from`/`to` span with a flat word list; should it send a
 * list of segments that carry their own words instead, each becomes a segment.
 */
function toSegments(body: IDataObject): TranscriptSegment[] {
	const entries = arrayOf(body.word_alignment).filter(isPlainObject);
	if (entries.length > 0 && entries.every((entry) => Array.isArray(parseJsonText(entry.words)))) {
		return entries.map((entry) => ({
			start: toNumber(entry.start ?? entry.from),
			end: toNumber(entry.end ?? entry.to),
			text: toText(entry.text),
			words: toWords(entry.words),
		}));
	}
	return [
		{
			start: toNumber(body.from),
			end: toNumber(body.to),
			text: toText(body.text),
			words: toWords(body.word_alignment),
		},
	];
}

function simplifyTranscription(body: IDataObject): IDataObject {
	return { text: toText(body.text), segments: toSegments(body) as unknown as IDataObject[] };
}

function toKeywordCounts(value: unknown): IDataObject {
	const parsed = parseJsonText(value);
	const counts: IDataObject = {};
	if (isPlainObject(parsed)) {
		for (const [name, count] of Object.entries(parsed)) counts[name] = toNumber(count) ?? 0;
	} else if (Array.isArray(parsed)) {
		for (const entry of parsed.filter(isPlainObject)) {
			const name = toText(entry.keyword ?? entry.name);
			if (name) counts[name] = toNumber(entry.count) ?? 0;
		}
	}
	return counts;
}

function simplifyAnalysis(body: IDataObject): IDataObject {
	const summary = objectOrEmpty(body.analyst_results);
	const quality = objectOrEmpty(body.quality_evaluation_result);
	const staff = objectOrEmpty(quality.STAFF ?? quality.staff);
	const customer = objectOrEmpty(quality.CUSTOMER ?? quality.customer);
	const llm = parseJsonText(body.nl_analyze_result);
	return {
		staffTalkTime: toNumber(body.staff_talk_time ?? summary.staff_talk_time),
		customerTalkTime: toNumber(body.customer_talk_time ?? summary.customer_talk_time),
		qa: {
			staffScore: toNumber(staff.score ?? summary.staff_score),
			staffMaxScore: toNumber(staff.max_score),
			customerScore: toNumber(customer.score ?? summary.customer_score),
			customerMaxScore: toNumber(customer.max_score),
			staffPassed: textList(staff.passed),
			staffFailed: textList(staff.failed),
			customerPassed: textList(customer.passed),
			customerFailed: textList(customer.failed),
		},
		keywords: toKeywordCounts(body.keyword_count),
		llm: llm === undefined ? null : (llm as IDataObject),
	};
}

/** One simplified item: `event` and `trackingId` first, then what that kind of result carries. */
export function simplifyResult(event: OmiResultEvent, body: IDataObject): IDataObject {
	const head = { event, trackingId: trackingIdOf(body) };
	if (event === 'transcriptionCompleted') return { ...head, ...simplifyTranscription(body) };
	if (event === 'callAnalysisCompleted') return { ...head, ...simplifyAnalysis(body) };
	return { ...head, payload: body };
}
