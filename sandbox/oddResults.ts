/**
 * Results whose documented fields come in shapes the documents do not fix
 * (shared/omi-api.md §2.2, §2.3): one field of the sandbox's own result
 * changed per case. The trigger must keep each whole, in `raw`, and say in
 * `warnings` what it could not read.
 */

import { buildResult } from './generate';

export interface OddResult {
	/** The documented field whose shape is unexpected. */
	field: string;
	kind: 'transcription' | 'analysis';
	body: (trackingId: string) => Record<string, unknown>;
	/** The one warning the trigger gives for what it could not read. */
	warning: RegExp;
	/** Fields of the case that the trigger does not know, each named in a warning of its own after that one. */
	unknown?: string[];
}

const analysis = (field: string, value: unknown, warning: RegExp, extra: Record<string, unknown> = {}, unknown?: string[]): OddResult => ({
	field,
	kind: 'analysis',
	body: (trackingId) => ({ ...buildResult('analysis', trackingId), [field]: value, ...extra }),
	warning,
	unknown,
});

const transcription = (field: string, value: unknown, warning: RegExp, unknown?: string[]): OddResult => ({
	field,
	kind: 'transcription',
	body: (trackingId) => ({ ...buildResult('transcription', trackingId), [field]: value }),
	warning,
	unknown,
});

export const ODD_RESULTS: OddResult[] = [
	analysis('analyst_results', 42, /^analyst_results: expected an object, found the number 42/),
	analysis('criteria_classification_result', 'passed', /^criteria_classification_result: expected an object, found text "passed"/),
	analysis('customer_talk_time', 'long', /^customerTalkTime: customer_talk_time is text "long", not a number; read analyst_results\.customer_talk_time instead$/),
	analysis('customer_word_alignments', 17, /^customer_word_alignments: expected a list, found the number 17/),
	analysis('keyword_count', true, /^keywords: keyword_count is true, expected an object of counts/),
	analysis('nl_analyze_result', 12, /^llm: nl_analyze_result is the number 12/),
	analysis('quality_evaluation_result', ['STAFF'], /^quality_evaluation_result: expected an object, found a list/),
	analysis('result_nlp_analytics', 'none', /^result_nlp_analytics: expected an object or a list, found text "none"/),
	analysis('staff_talk_time', { seconds: 12 }, /^staffTalkTime: staff_talk_time is an object, not a number/),
	analysis('staff_word_alignments', 'none', /^staff_word_alignments: expected a list, found text "none"/),
	analysis('tracking_id', { id: 7 }, /^trackingId: tracking_id is an object, not text$/),
	// A score that is not where the trigger looks.
	analysis(
		'quality_evaluation_result',
		{ STAFF: { points: 70 }, CUSTOMER: { score: 80, max_score: 100 } },
		/^qa\.staffScore: not found \(looked at quality_evaluation_result\.STAFF\.score, analyst_results\.staff_score\)$/,
		{ analyst_results: { staff_talk_time: 30, customer_talk_time: 20 } },
		['quality_evaluation_result.STAFF.points'],
	),
	analysis(
		'quality_evaluation_result',
		{ STAFF: { score: 70, passed: [{ criteria: 'Greeting' }] }, CUSTOMER: { score: 80 } },
		/^qa\.staffPassed: 1 of 1 entries of quality_evaluation_result\.STAFF\.passed are not text/,
	),
	transcription('text', ['Xin', 'chào'], /^text: text is a list, not text$/),
	transcription('from', 'start', /^segments\[0\]\.start: from is text "start", not a number$/),
	transcription('to', [], /^segments\[0\]\.end: to is a list, not a number$/),
	transcription('word_alignment', 5, /^word_alignment: expected a list, found the number 5/),
	transcription('word_alignment', '[{"w":"Xin","s":0}]', /^word_alignment: 1 of 1 entries have no word \(looked at word, text\)/, [
		'word_alignment[].w',
		'word_alignment[].s',
	]),
	transcription('tracking_id', true, /^trackingId: tracking_id is true, not text$/),
];
