import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from '../shared/json';
import { type KnownFields, keepUnknownFields } from '../shared/unknownFields';

/**
 * Turns the result bodies OMI posts (docs/omi-api.md §2) into flat items a
 * workflow can test without a Code node. OMI does not document the inner
 * shapes, so every reader here accepts what it can and never throws; what it
 * cannot read it names in `warnings`, and the node then keeps the body in `raw`.
 * Fields it does not know go to `otherFields`, also named in `warnings`.
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

const TRACKING: Record<string, KnownFields> = { tracking_id: true, trackingId: true };

const WORD: KnownFields = { word: true, text: true, start: true, from: true, end: true, to: true };

/** Every field the transcription reader looks at, in each shape it accepts (docs/omi-api.md §2.3). */
const KNOWN_TRANSCRIPTION: KnownFields = {
	...TRACKING,
	text: true,
	from: true,
	to: true,
	word_alignment: { '[]': { ...WORD, words: { '[]': WORD } }, speaker: true, words: { '[]': WORD } },
};

const QA_CARD: KnownFields = { score: true, max_score: true, passed: true, failed: true };

/**
 * Every field the analysis reader looks at. The documented fields it does not
 * carry (criteria, per-utterance analytics, word alignments) are known as a
 * whole: they come with Include Raw Payload.
 */
const KNOWN_ANALYSIS: KnownFields = {
	...TRACKING,
	analyst_results: { staff_score: true, customer_score: true, staff_talk_time: true, customer_talk_time: true },
	criteria_classification_result: true,
	quality_evaluation_result: { STAFF: QA_CARD, CUSTOMER: QA_CARD, staff: QA_CARD, customer: QA_CARD },
	nl_analyze_result: true,
	keyword_count: { '*': true, '[]': { keyword: true, name: true, count: true } },
	result_nlp_analytics: true,
	staff_talk_time: true,
	customer_talk_time: true,
	staff_word_alignments: true,
	customer_word_alignments: true,
};

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

/** What could not be read into the simplified item, and where the reader looked. */
class Warnings {
	readonly list: string[] = [];

	add(field: string, problem: string): void {
		this.list.push(`${field}: ${problem}`);
	}
}

const isAbsent = (value: unknown) => value === undefined || value === null;

/** A short, secret-free description of a value for a warning. */
function describe(value: unknown): string {
	if (Array.isArray(value)) return 'a list';
	if (isPlainObject(value)) return 'an object';
	if (typeof value === 'string') return value.length > 40 ? `text "${value.slice(0, 40)}…"` : `text "${value}"`;
	if (typeof value === 'number') return `the number ${value}`;
	return typeof value === 'boolean' ? `${value}` : 'null';
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

interface Candidate {
	/** Where OMI's body was read, e.g. quality_evaluation_result.STAFF.score. */
	path: string;
	value: unknown;
}

/**
 * The first candidate that is a number. A candidate present but not a number
 * is warned about, even when a later one is read instead; when nothing is
 * there at all, the warning says where the reader looked.
 * `required`: a value the item promises, so its absence is worth a warning.
 */
function readNumber(warnings: Warnings, field: string, candidates: Candidate[], required: boolean): number | null {
	const read = candidates.find(({ value }) => toNumber(value) !== null);
	const odd = candidates.filter(({ value }) => !isAbsent(value) && toNumber(value) === null);
	if (odd.length > 0) {
		const found = odd.map(({ path, value }) => `${path} is ${describe(value)}, not a number`).join('; ');
		warnings.add(field, read ? `${found}; read ${read.path} instead` : found);
	} else if (!read && required) {
		warnings.add(field, `not found (looked at ${candidates.map(({ path }) => path).join(', ')})`);
	}
	return read ? toNumber(read.value) : null;
}

/** An object, or JSON text of one; anything else present is warned about and read as empty. */
function readObject(warnings: Warnings, path: string, value: unknown, consequence: string): IDataObject {
	if (isAbsent(value)) return {};
	const parsed = parseJsonText(value);
	if (isPlainObject(parsed)) return parsed;
	warnings.add(path, `expected an object, found ${describe(value)}; ${consequence}`);
	return {};
}

/** A list, JSON text of one, or a word list wrapped as `{ speaker, words: [...] }`; undefined otherwise. */
function listOf(value: unknown): unknown[] | undefined {
	const parsed = parseJsonText(value);
	if (Array.isArray(parsed)) return parsed;
	if (isPlainObject(parsed) && Array.isArray(parsed.words)) return parsed.words;
	return undefined;
}

function readList(warnings: Warnings, path: string, value: unknown, consequence: string): unknown[] {
	if (isAbsent(value)) return [];
	const list = listOf(value);
	if (list === undefined) warnings.add(path, `expected a list, found ${describe(value)}; ${consequence}`);
	return list ?? [];
}

function readTextList(warnings: Warnings, field: string, path: string, value: unknown): string[] {
	const list = readList(warnings, path, value, `${field} is empty`);
	const texts = list.filter((entry): entry is string => typeof entry === 'string');
	if (texts.length < list.length) warnings.add(field, `${list.length - texts.length} of ${list.length} entries of ${path} are not text and were left out`);
	return texts;
}

export interface TimedWord {
	word: string;
	start: number | null;
	end: number | null;
}

function readWords(warnings: Warnings, path: string, value: unknown): TimedWord[] {
	const list = readList(warnings, path, value, 'no words were read');
	const words = list.filter(isPlainObject).map((entry) => ({
		word: toText(entry.word ?? entry.text),
		start: toNumber(entry.start ?? entry.from),
		end: toNumber(entry.end ?? entry.to),
	}));
	const unreadable = list.length - words.filter((word) => word.word !== '').length;
	if (unreadable > 0) warnings.add(path, `${unreadable} of ${list.length} entries have no word (looked at word, text) and were left out or left empty`);
	return words;
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
function readSegments(warnings: Warnings, body: IDataObject): TranscriptSegment[] {
	const entries = (listOf(body.word_alignment) ?? []).filter(isPlainObject);
	if (entries.length > 0 && entries.every((entry) => Array.isArray(parseJsonText(entry.words)))) {
		return entries.map((entry, index) => ({
			start: toNumber(entry.start ?? entry.from),
			end: toNumber(entry.end ?? entry.to),
			text: toText(entry.text),
			words: readWords(warnings, `word_alignment[${index}].words`, entry.words),
		}));
	}
	return [
		{
			start: readNumber(warnings, 'segments[0].start', [{ path: 'from', value: body.from }], false),
			end: readNumber(warnings, 'segments[0].end', [{ path: 'to', value: body.to }], false),
			text: toText(body.text),
			words: readWords(warnings, 'word_alignment', body.word_alignment),
		},
	];
}

function simplifyTranscription(warnings: Warnings, body: IDataObject): IDataObject {
	if (isAbsent(body.text)) warnings.add('text', 'not found (looked at text)');
	else if (typeof body.text !== 'string') warnings.add('text', `text is ${describe(body.text)}, not text`);
	return { text: toText(body.text), segments: readSegments(warnings, body) as unknown as IDataObject[] };
}

function readKeywordCounts(warnings: Warnings, value: unknown): IDataObject {
	const counts: IDataObject = {};
	if (isAbsent(value)) return counts;
	const parsed = parseJsonText(value);
	const unreadable: string[] = [];
	if (isPlainObject(parsed)) {
		for (const [name, count] of Object.entries(parsed)) {
			counts[name] = toNumber(count) ?? 0;
			if (toNumber(count) === null) unreadable.push(`"${name}" has ${describe(count)}`);
		}
	} else if (Array.isArray(parsed)) {
		for (const [index, entry] of parsed.entries()) {
			const name = isPlainObject(entry) ? toText(entry.keyword ?? entry.name) : '';
			if (!name) {
				unreadable.push(`entry ${index} has no keyword (looked at keyword, name)`);
				continue;
			}
			counts[name] = toNumber((entry as IDataObject).count) ?? 0;
			if (toNumber((entry as IDataObject).count) === null) unreadable.push(`"${name}" has no numeric count`);
		}
	} else {
		warnings.add('keywords', `keyword_count is ${describe(value)}, expected an object of counts or a list of { keyword, count }`);
		return counts;
	}
	if (unreadable.length > 0) warnings.add('keywords', `in keyword_count, ${unreadable.join('; ')}`);
	return counts;
}

function readLlm(warnings: Warnings, value: unknown): unknown {
	if (isAbsent(value)) return null;
	const parsed = parseJsonText(value);
	if (!isPlainObject(parsed) && !Array.isArray(parsed)) {
		warnings.add('llm', `nl_analyze_result is ${describe(value)}, not an object or JSON text of one; llm holds it as sent`);
	}
	return parsed;
}

/**
 * Documented fields the item does not carry: only their shape is checked, so
 * an odd one shows in warnings. JSON text is taken as it looks, not parsed:
 * word alignments can be long, and nothing here reads them.
 */
function checkUnreadFields(warnings: Warnings, body: IDataObject): void {
	const isWordList = (value: unknown) => Array.isArray(value) || (isPlainObject(value) && Array.isArray(value.words));
	// OMI's table types result_nlp_analytics as an Object, while a list of utterances is what its meaning suggests.
	const unread: Array<[string, string, (value: unknown) => boolean]> = [
		['criteria_classification_result', 'an object', isPlainObject],
		['result_nlp_analytics', 'an object or a list', (value) => isPlainObject(value) || Array.isArray(value)],
		['staff_word_alignments', 'a list', isWordList],
		['customer_word_alignments', 'a list', isWordList],
	];
	for (const [field, expected, fits] of unread) {
		const value = body[field];
		if (isAbsent(value) || (typeof value === 'string' && /^\s*[[{]/.test(value))) continue;
		if (!fits(value)) warnings.add(field, `expected ${expected}, found ${describe(value)}; see raw`);
	}
}

type Speaker = 'staff' | 'customer';

/** One speaker's QA scorecard, under STAFF / CUSTOMER (or lower case), with the analyst summary's score as fallback. */
function readQa(warnings: Warnings, quality: IDataObject, summary: IDataObject, speaker: Speaker) {
	const upper = speaker.toUpperCase();
	const key = isAbsent(quality[upper]) && !isAbsent(quality[speaker]) ? speaker : upper;
	const path = `quality_evaluation_result.${key}`;
	const card = readObject(warnings, path, quality[key], `the ${speaker} QA details were not read`);
	const score = [
		{ path: `${path}.score`, value: card.score },
		{ path: `analyst_results.${speaker}_score`, value: summary[`${speaker}_score`] },
	];
	return {
		score: readNumber(warnings, `qa.${speaker}Score`, score, true),
		maxScore: readNumber(warnings, `qa.${speaker}MaxScore`, [{ path: `${path}.max_score`, value: card.max_score }], false),
		passed: readTextList(warnings, `qa.${speaker}Passed`, `${path}.passed`, card.passed),
		failed: readTextList(warnings, `qa.${speaker}Failed`, `${path}.failed`, card.failed),
	};
}

function simplifyAnalysis(warnings: Warnings, body: IDataObject): IDataObject {
	const summary = readObject(warnings, 'analyst_results', body.analyst_results, 'its talk times and scores were not read');
	const quality = readObject(warnings, 'quality_evaluation_result', body.quality_evaluation_result, 'no QA score was read from it');
	const staff = readQa(warnings, quality, summary, 'staff');
	const customer = readQa(warnings, quality, summary, 'customer');
	checkUnreadFields(warnings, body);
	const talkTime = (speaker: Speaker) =>
		readNumber(
			warnings,
			`${speaker}TalkTime`,
			[
				{ path: `${speaker}_talk_time`, value: body[`${speaker}_talk_time`] },
				{ path: `analyst_results.${speaker}_talk_time`, value: summary[`${speaker}_talk_time`] },
			],
			true,
		);
	return {
		staffTalkTime: talkTime('staff'),
		customerTalkTime: talkTime('customer'),
		qa: {
			staffScore: staff.score,
			staffMaxScore: staff.maxScore,
			customerScore: customer.score,
			customerMaxScore: customer.maxScore,
			staffPassed: staff.passed,
			staffFailed: staff.failed,
			customerPassed: customer.passed,
			customerFailed: customer.failed,
		},
		keywords: readKeywordCounts(warnings, body.keyword_count),
		llm: readLlm(warnings, body.nl_analyze_result) as IDataObject,
	};
}

export interface ReadResult {
	item: IDataObject;
	/** Whether a documented field could not be read, so that the body must go along. */
	unreadable: boolean;
}

/**
 * One simplified item: `event` and `trackingId` first, then what that kind of
 * result carries, then `otherFields` with what the node does not know, then
 * `warnings` when some of it could not be read or was not known.
 */
export function readResult(event: OmiResultEvent, body: IDataObject): ReadResult {
	const warnings = new Warnings();
	const id = body.tracking_id ?? body.trackingId;
	if (!isAbsent(id) && typeof id !== 'string' && typeof id !== 'number') warnings.add('trackingId', `tracking_id is ${describe(id)}, not text`);
	const head = { event, trackingId: trackingIdOf(body) };
	if (event === 'unknown') return { item: { ...head, payload: body }, unreadable: false };
	const transcription = event === 'transcriptionCompleted';
	const read = { ...head, ...(transcription ? simplifyTranscription(warnings, body) : simplifyAnalysis(warnings, body)) };
	const item = warnings.list.length > 0 ? { ...read, warnings: warnings.list } : read;
	return {
		item: keepUnknownFields(item, body, transcription ? KNOWN_TRANSCRIPTION : KNOWN_ANALYSIS),
		unreadable: warnings.list.length > 0,
	};
}

export const simplifyResult = (event: OmiResultEvent, body: IDataObject): IDataObject => readResult(event, body).item;
