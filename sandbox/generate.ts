/**
 * Builds the sandbox's answers from the fixtures. Everything here is a pure
 * function of its id (tracking id, ref_uuid, script id): the same id gives the
 * same bytes in every run, so tests can compare against buildResult() directly.
 */

import { createHash } from 'node:crypto';

import {
	CUSTOMERS,
	CUSTOMER_CRITERIA_SET,
	DIALOGUES,
	INTENTS,
	SCRIPT_AUTHOR,
	STAFF_CRITERIA_SET,
	STAFF_NAMES,
	TENANT_ID,
	TRACKED_KEYWORDS,
	type DialogueFixture,
	type ScriptFixture,
} from './fixtures';
import type {
	AnalysisResult,
	CriteriaScore,
	DeliveryKind,
	QualityScore,
	ResultBody,
	Sentiment,
	Speaker,
	TranscriptionResult,
	UtteranceAnalytics,
	WordAlignment,
} from './types';

// ---------------------------------------------------------------- seeded randomness

type Rng = () => number;

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** mulberry32 seeded from sha256(seed): small, fast and good enough for fake data. */
export function seededRng(seed: string): Rng {
	let state = sha256(seed).readUInt32LE(0);
	return () => {
		state = (state + 0x6d2b79f5) | 0;
		let t = Math.imul(state ^ (state >>> 15), 1 | state);
		t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const randomInt = (rng: Rng, min: number, max: number) => min + Math.floor(rng() * (max - min + 1));
const pick = <T>(rng: Rng, items: readonly T[]): T => items[Math.floor(rng() * items.length)];
const randomChars = (rng: Rng, alphabet: string, length: number) =>
	Array.from({ length }, () => alphabet[Math.floor(rng() * alphabet.length)]).join('');
const randomHex = (rng: Rng, length: number) => randomChars(rng, '0123456789abcdef', length);
const randomUuid = (rng: Rng) => {
	const hex = randomHex(rng, 32);
	return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[Math.floor(rng() * 4)]}${hex.slice(17, 20)}-${hex.slice(20)}`;
};
const randomNodeId = (rng: Rng) => randomChars(rng, 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 10);

/** Like a MongoDB ObjectId, which is what OMI's ids look like. */
const objectIdFor = (name: string) => sha256(name).toString('hex').slice(0, 24);

/** "2350000" -> "2.350.000", the Vietnamese way, without depending on the ICU build. */
const formatVnd = (amount: number) => String(amount).replace(/\B(?=(\d{3})+(?!\d))/g, '.');

/** What the search box of OMI's web app compares against: no diacritics, lower case. */
export function stripDiacritics(text: string): string {
	return text.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/đ/g, 'd').replace(/Đ/g, 'D').toLowerCase();
}

// ---------------------------------------------------------------- calls

interface Utterance {
	speaker: Speaker;
	text: string;
	sentiment: Sentiment;
	words: WordAlignment[];
	start: number;
	end: number;
}

interface Call {
	dialogue: DialogueFixture;
	fill: (template: string) => string;
	utterances: Utterance[];
	/** Seconds, including the trailing silence before hang-up. */
	duration: number;
}

/**
 * Picks a dialogue and a cast for the tracking id and times every word.
 * Times are kept in whole centiseconds so that sums never drift.
 */
function buildCall(trackingId: string): { call: Call; rng: Rng } {
	const rng = seededRng(trackingId);
	const dialogue = pick(rng, DIALOGUES);
	const customer = pick(rng, CUSTOMERS);
	const values: Record<string, string> = {
		xung: customer.xung,
		Xung: customer.xung[0].toUpperCase() + customer.xung.slice(1),
		customer: customer.givenName,
		staff: pick(rng, STAFF_NAMES),
		amount: formatVnd(randomInt(rng, 25, 480) * 10_000),
		date: `${String(randomInt(rng, 1, 28)).padStart(2, '0')}/${String(randomInt(rng, 1, 12)).padStart(2, '0')}`,
		code: `${pick(rng, ['DH', 'HD', 'SV'])}${randomInt(rng, 1_000_000, 9_999_999)}`,
	};
	const fill = (template: string) => template.replace(/\{(\w+)\}/g, (whole, key: string) => values[key] ?? whole);

	let cs = randomInt(rng, 30, 90);
	const utterances = dialogue.lines.map((line): Utterance => {
		const words = fill(line.text)
			.split(/\s+/)
			.filter(Boolean)
			.map((word): WordAlignment => {
				const letters = word.replace(/[.,!?;:"()]/g, '').length;
				const start = cs;
				const end = start + 14 + letters * 5 + randomInt(rng, 0, 8);
				cs = end + randomInt(rng, 3, 9);
				return { word, start: start / 100, end: end / 100 };
			});
		cs += randomInt(rng, 30, 120);
		return {
			speaker: line.speaker,
			text: words.map((w) => w.word).join(' '),
			sentiment: line.sentiment ?? 'neutral',
			words,
			start: words[0].start,
			end: words[words.length - 1].end,
		};
	});
	return { call: { dialogue, fill, utterances, duration: cs / 100 }, rng };
}

const round2 = (value: number) => Math.round(value * 100) / 100;

function talkTime(call: Call, speaker: Speaker): number {
	return round2(call.utterances.filter((u) => u.speaker === speaker).reduce((sum, u) => sum + (u.end - u.start), 0));
}

function countKeywords(text: string): Record<string, number> {
	const haystack = text.normalize('NFC').toLowerCase();
	const counts: Record<string, number> = {};
	for (const keyword of TRACKED_KEYWORDS) {
		const found = haystack.split(keyword).length - 1;
		if (found > 0) counts[keyword] = found;
	}
	return counts;
}

/**
 * Scores a call against a criteria set so that the total is exactly `target`:
 * criteria pass in a shuffled order while they fit, and the remainder is spread
 * over the failed ones, each staying below its maximum.
 */
function scoreAgainst(set: { criteria: Array<{ name: string; maxScore: number }> }, target: number, rng: Rng): CriteriaScore[] {
	const order = set.criteria.map((_criterion, index) => ({ index, key: rng() })).sort((a, b) => a.key - b.key);
	const scores: CriteriaScore[] = set.criteria.map((c) => ({ criteria: c.name, passed: false, score: 0, max_score: c.maxScore }));
	let total = 0;
	for (const { index } of order) {
		if (total + scores[index].max_score <= target) {
			scores[index].passed = true;
			scores[index].score = scores[index].max_score;
			total += scores[index].max_score;
		}
	}
	// Every failed criterion was too big for what was left when its turn came, so the remainder always fits.
	let remainder = target - total;
	const failed = order.map(({ index }) => scores[index]).filter((s) => !s.passed);
	let room = failed.some((s) => s.score < s.max_score - 1);
	while (remainder > 0 && room) {
		room = false;
		for (const s of failed) {
			if (remainder > 0 && s.score < s.max_score - 1) {
				s.score++;
				remainder--;
				room = true;
			}
		}
	}
	return scores;
}

function qualityOf(scores: CriteriaScore[]): QualityScore {
	return {
		score: scores.reduce((sum, s) => sum + s.score, 0),
		max_score: 100,
		passed: scores.filter((s) => s.passed).map((s) => s.criteria),
		failed: scores.filter((s) => !s.passed).map((s) => s.criteria),
	};
}

/**
 * 60..98 from the tracking id's hash, or exactly n when the id contains
 * `score-<n>`, so that tests and demos can ask for a failing QA score.
 */
export function staffScoreFor(trackingId: string): number {
	const forced = /score-(\d{1,3})/i.exec(trackingId);
	if (forced) return Math.min(100, Number(forced[1]));
	return 60 + (sha256(`staff-score:${trackingId}`).readUInt32BE(0) % 39);
}

const CUSTOMER_SCORE_RANGE: Record<Sentiment, [number, number]> = {
	negative: [35, 65],
	neutral: [60, 85],
	positive: [80, 100],
};

function buildTranscription(trackingId: string): TranscriptionResult {
	const { call } = buildCall(trackingId);
	const words = call.utterances.flatMap((u) => u.words);
	return {
		tracking_id: trackingId,
		text: call.utterances.map((u) => u.text).join(' '),
		from: words[0].start.toFixed(2),
		to: words[words.length - 1].end.toFixed(2),
		word_alignment: JSON.stringify(words),
	};
}

function buildAnalysis(trackingId: string): AnalysisResult {
	const { call, rng } = buildCall(trackingId);
	const { dialogue, fill, utterances } = call;
	const staffTalk = talkTime(call, 'STAFF');
	const customerTalk = talkTime(call, 'CUSTOMER');
	const wordsOf = (speaker: Speaker) => utterances.filter((u) => u.speaker === speaker).flatMap((u) => u.words);
	const staffWords = wordsOf('STAFF');
	const keywordCount = countKeywords(utterances.map((u) => u.text).join(' '));

	const staffCriteria = scoreAgainst(STAFF_CRITERIA_SET, staffScoreFor(trackingId), rng);
	const [low, high] = CUSTOMER_SCORE_RANGE[dialogue.sentiment];
	const customerQuality = qualityOf(scoreAgainst(CUSTOMER_CRITERIA_SET, randomInt(rng, low, high), rng));
	const staffQuality = qualityOf(staffCriteria);

	return {
		tracking_id: trackingId,
		// Only what the trigger reads: OMI does not document what else "all analysis results together" holds.
		analyst_results: {
			staff_talk_time: staffTalk,
			customer_talk_time: customerTalk,
			staff_score: staffQuality.score,
			customer_score: customerQuality.score,
		},
		criteria_classification_result: {
			criteria_set_name: STAFF_CRITERIA_SET.name,
			total_score: staffQuality.score,
			max_score: 100,
			results: staffCriteria,
		},
		customer_talk_time: customerTalk,
		staff_talk_time: staffTalk,
		customer_word_alignments: JSON.stringify(wordsOf('CUSTOMER')),
		staff_word_alignments: { speaker: 'STAFF', word_count: staffWords.length, words: staffWords },
		keyword_count: keywordCount,
		nl_analyze_result: JSON.stringify({
			topic: dialogue.topic,
			summary: fill(dialogue.summary),
			sentiment: dialogue.sentiment,
			customer_intent: fill(dialogue.customerIntent),
			next_action: fill(dialogue.nextAction),
		}),
		quality_evaluation_result: { STAFF: staffQuality, CUSTOMER: customerQuality },
		result_nlp_analytics: utterances.map(
			(u): UtteranceAnalytics => ({ speaker: u.speaker, text: u.text, start: u.start, end: u.end, sentiment: u.sentiment }),
		),
	};
}

/** The exact body the sandbox POSTs to the webhook for this tracking id. */
export function buildResult(kind: 'transcription', trackingId: string): TranscriptionResult;
export function buildResult(kind: 'analysis', trackingId: string): AnalysisResult;
export function buildResult(kind: DeliveryKind, trackingId: string): ResultBody;
export function buildResult(kind: DeliveryKind, trackingId: string): ResultBody {
	return kind === 'transcription' ? buildTranscription(trackingId) : buildAnalysis(trackingId);
}

// ---------------------------------------------------------------- callBot scripts

const toVariable = ([fieldCode, fieldName]: [string, string]) => ({
	field_name: fieldName,
	field_code: fieldCode,
	field_value: '',
	field_type: 'single_text',
	type: 'CONTACT',
	is_dynamic_attribute: true,
});

export function scriptSummary(script: ScriptFixture) {
	return { id: script.id, name: script.name, variables: script.variables.map(toVariable) };
}

export function scriptDetail(script: ScriptFixture) {
	const rng = seededRng(`script:${script.id}`);
	const beginId = randomNodeId(rng);
	const stepIds = script.prompts.map(() => randomNodeId(rng));
	const month = new Date(script.createdDate).toISOString().slice(0, 7).replace('-', '/');
	const steps = script.prompts.map((prompt, i) => {
		const file = randomUuid(rng);
		return {
			id: stepIds[i],
			node_type: 'STAFF',
			template_content: prompt,
			return_template_content: '',
			wrong_response_content: 'Xin lỗi, em chưa nghe rõ, mình vui lòng nhắc lại giúp em ạ.',
			customer_response_delay: 10000,
			next_nodes: i + 1 < stepIds.length ? [stepIds[i + 1]] : [],
			is_collapse: false,
			audio_file: {
				name: `buoc-${i + 1}.mp3`,
				src: `${TENANT_ID}/callbot_recording_file/${month}/${file}.mp3`,
				duration: (prompt.length * 0.075).toFixed(1),
				pbx_source: `/mnt/data/freeswitch/recordings/sandbox/callbot/${month}/${file}.mp3`,
			},
		};
	});
	const chain = [beginId, ...stepIds];
	return {
		...scriptSummary(script),
		uuid: script.uuid,
		tenant_id: TENANT_ID,
		connections: chain.slice(1).map((target, i) => ({
			sourceHandle: '1',
			animated: false,
			style: { strokeWidth: 3, stroke: '#00B1FF' },
			id: `reactflow__edge-${chain[i]}1-${target}1`,
			source: chain[i],
			type: 'custom',
			targetHandle: '1',
			target,
		})),
		nodes: [{ id: beginId, node_type: 'BEGIN', next_nodes: stepIds.slice(0, 1), is_collapse: false }, ...steps],
		is_draft: script.isDraft,
		created_date: script.createdDate,
		last_updated_date: script.lastUpdatedDate,
		last_publish_time: script.isPublish ? script.lastUpdatedDate : null,
		created_by: SCRIPT_AUTHOR,
		last_updated_by: SCRIPT_AUTHOR,
		public_key: randomUuid(rng),
		is_deleted: false,
		collect_authentication_data: 'NONE',
		system_intent_ids: [],
		system_entity_type_ids: [],
		version: script.version,
		is_newest_version: true,
		is_publish: script.isPublish,
		custom_variables: [],
		classifies: [],
		variables_with_order: script.variables.map(([fieldCode]) => fieldCode),
		speed: script.speed,
		voice: script.voice,
		type: script.type,
		is_interrupt: false,
		parse_datetime: false,
	};
}

// ---------------------------------------------------------------- callBot analysed logs

export interface AnalyzedLogItem {
	_id: string;
	tenant_id: string;
	is_deleted: boolean;
	created_date: number;
	last_updated_date: number;
	create_by: Record<string, never>;
	last_update_by: Record<string, never>;
	content: string;
	content_search: string;
	content_logs: string[];
	status: 'new' | 'trained';
	intent: string;
	intent_id: string;
	entities: Array<{ entity_type: string; value: string }>;
	entity_details: Array<{ entity_type: string; value: string; start: number; end: number }>;
	session_id: string;
	node_id: string;
	ref_uuid: string;
	callbot_uuid: string;
}

/** Entity values the bot would pull out of the date and time intents. */
const ENTITY_PATTERN = /cuối tháng|trong tuần này|thứ sáu này|mai|chiều|lát/;

/**
 * What a callBot campaign's calls produced: a few customer turns per call,
 * calls a few minutes apart, newest first.
 */
export function buildAnalyzedLogs(refUuid: string, count: number): AnalyzedLogItem[] {
	const rng = seededRng(`analyzed-log:${refUuid}`);
	const callbotUuid = randomUuid(rng);
	const nodeIds = Array.from({ length: 6 }, () => randomNodeId(rng));
	const greeting = INTENTS[0];
	let clock = Date.UTC(2025, 0, 6, 1, 30) + randomInt(rng, 0, 300) * 86_400_000;
	const items: AnalyzedLogItem[] = [];
	while (items.length < count) {
		const sessionId = randomUuid(rng);
		const turns = randomInt(rng, 2, 6);
		clock += randomInt(rng, 1, 20) * 60_000;
		for (let turn = 0; turn < turns && items.length < count; turn++) {
			const intent = turn === 0 && rng() < 0.7 ? greeting : pick(rng, INTENTS.slice(1));
			const content = pick(rng, intent.utterances);
			const entity = intent.entityType ? ENTITY_PATTERN.exec(content) : null;
			clock += randomInt(rng, 3, 15) * 1000;
			items.push({
				_id: randomHex(rng, 24),
				tenant_id: TENANT_ID,
				is_deleted: false,
				created_date: clock,
				last_updated_date: clock,
				create_by: {},
				last_update_by: {},
				content,
				content_search: stripDiacritics(content),
				content_logs: [],
				status: rng() < 0.8 ? 'new' : 'trained',
				intent: intent.intent,
				intent_id: objectIdFor(intent.intent),
				entities: entity && intent.entityType ? [{ entity_type: intent.entityType, value: entity[0] }] : [],
				entity_details:
					entity && intent.entityType
						? [{ entity_type: intent.entityType, value: entity[0], start: entity.index, end: entity.index + entity[0].length }]
						: [],
				session_id: sessionId,
				node_id: nodeIds[Math.min(turn, nodeIds.length - 1)],
				ref_uuid: refUuid,
				callbot_uuid: callbotUuid,
			});
		}
	}
	return items.reverse();
}
