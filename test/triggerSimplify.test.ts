import { detectEvent, simplifyResult } from '../nodes/OmiAiTrigger/simplify';
import { analysisWithUnknownFields, buildResult, resultItemProblems, transcriptionWithUnknownFields } from '../sandbox/server';

describe('OMI AI Trigger › simplified results', () => {
	it('tells a transcription, an analysis and anything else apart by their fields', () => {
		expect(detectEvent({ ...buildResult('transcription', 'crm-1') })).toBe('transcriptionCompleted');
		expect(detectEvent({ ...buildResult('analysis', 'crm-1') })).toBe('callAnalysisCompleted');
		expect(detectEvent({ tracking_id: 'crm-1', status: 'done' })).toBe('unknown');
	});

	it('gives a transcript its text and one segment in seconds, with the words parsed from JSON text', () => {
		const body = buildResult('transcription', 'crm-7');
		const words = JSON.parse(body.word_alignment) as Array<{ word: string; start: number; end: number }>;

		expect(simplifyResult('transcriptionCompleted', { ...body })).toEqual({
			event: 'transcriptionCompleted',
			trackingId: 'crm-7',
			text: body.text,
			segments: [{ start: Number(body.from), end: Number(body.to), text: body.text, words }],
		});
	});

	it('keeps segments OMI may send with their own words', () => {
		const segments = [
			{ from: '0.5', to: '1.5', text: 'Xin chào', words: [{ word: 'Xin', start: 0.5, end: 0.9 }] },
			{ from: 2, to: 3, text: 'ạ', words: '[{"word":"ạ","start":2,"end":3}]' },
		];
		const simplified = simplifyResult('transcriptionCompleted', { tracking_id: 'x', word_alignment: segments });

		expect(simplified.segments).toEqual([
			{ start: 0.5, end: 1.5, text: 'Xin chào', words: [{ word: 'Xin', start: 0.5, end: 0.9 }] },
			{ start: 2, end: 3, text: 'ạ', words: [{ word: 'ạ', start: 2, end: 3 }] },
		]);
	});

	it('puts the QA scores at the top of qa as numbers, with the criteria, keyword counts and the parsed LLM result', () => {
		const body = buildResult('analysis', 'crm-9-score-40');

		expect(simplifyResult('callAnalysisCompleted', { ...body })).toEqual({
			event: 'callAnalysisCompleted',
			trackingId: 'crm-9-score-40',
			staffTalkTime: body.staff_talk_time,
			customerTalkTime: body.customer_talk_time,
			qa: {
				staffScore: 40,
				staffMaxScore: 100,
				customerScore: body.quality_evaluation_result.CUSTOMER.score,
				customerMaxScore: 100,
				staffPassed: body.quality_evaluation_result.STAFF.passed,
				staffFailed: body.quality_evaluation_result.STAFF.failed,
				customerPassed: body.quality_evaluation_result.CUSTOMER.passed,
				customerFailed: body.quality_evaluation_result.CUSTOMER.failed,
			},
			keywords: body.keyword_count,
			llm: JSON.parse(body.nl_analyze_result),
		});
	});

	it('reads scores and counts sent as text, JSON text or lists, and falls back on the analyst summary', () => {
		const simplified = simplifyResult('callAnalysisCompleted', {
			tracking_id: 42,
			analyst_results: '{"staff_score": "65.5", "customer_score": 80, "staff_talk_time": 12}',
			quality_evaluation_result: { STAFF: { passed: ['Greeting', 7] } },
			keyword_count: [{ keyword: 'refund', count: '2' }, { name: 'cancel', count: 1 }, { count: 3 }],
			nl_analyze_result: 'The customer was happy.',
		});

		expect(simplified).toMatchObject({
			trackingId: '42',
			staffTalkTime: 12,
			customerTalkTime: null,
			qa: { staffScore: 65.5, customerScore: 80, staffPassed: ['Greeting'], staffFailed: [] },
			keywords: { refund: 2, cancel: 1 },
			llm: 'The customer was happy.',
		});
	});

	it('never throws on missing or odd fields', () => {
		const odd = [
			{},
			{ text: null, word_alignment: '[not json', from: 'soon', to: {} },
			{ word_alignment: [null, 3, { word: 5 }] },
			{ quality_evaluation_result: 'broken', keyword_count: 7, staff_word_alignments: [] },
		];
		for (const body of odd) {
			for (const event of ['transcriptionCompleted', 'callAnalysisCompleted', 'unknown'] as const) {
				expect(() => simplifyResult(event, body)).not.toThrow();
			}
		}
		expect(simplifyResult('transcriptionCompleted', odd[1])).toEqual({
			event: 'transcriptionCompleted',
			trackingId: '',
			text: '',
			segments: [{ start: null, end: null, text: '', words: [] }],
			warnings: [
				'text: not found (looked at text)',
				'segments[0].start: from is text "soon", not a number',
				'segments[0].end: to is an object, not a number',
				'word_alignment: expected a list, found text "[not json"; no words were read',
			],
		});
	});

	it('adds no warnings to the results the sandbox sends, whose shapes follow the documents', () => {
		for (const id of ['crm-1', 'crm-2-score-0', 'crm-3-score-100']) {
			expect(simplifyResult('transcriptionCompleted', { ...buildResult('transcription', id) })).not.toHaveProperty('warnings');
			expect(simplifyResult('callAnalysisCompleted', { ...buildResult('analysis', id) })).not.toHaveProperty('warnings');
		}
	});

	it('keeps unknown fields in otherFields at the path they came, and the check of kept values finds one that is dropped', () => {
		const analysis = analysisWithUnknownFields('crm-kept');
		const transcription = transcriptionWithUnknownFields('crm-kept-t');
		const item = simplifyResult('callAnalysisCompleted', { ...analysis.body });
		const items = [item, simplifyResult('transcriptionCompleted', { ...transcription.body })];
		expect(resultItemProblems([analysis, transcription], items)).toEqual([]);
		expect(item.otherFields).toMatchObject({ agent: analysis.body.agent, quality_evaluation_result: { STAFF: { evaluator: { name: 'qa-bot' } } } });

		const { agent, ...rest } = item.otherFields as Record<string, unknown>;
		expect(agent).toBeDefined();
		const dropped = { ...item, otherFields: rest, warnings: (item.warnings as string[]).slice(1) };
		expect(resultItemProblems([analysis], [dropped])).toEqual([
			expect.stringMatching(/^agent\.id = "agent-101": found undefined at otherFields\.agent\.id$/),
			expect.stringMatching(/^agent\.name = /),
			expect.stringMatching(/^agent\.extension = /),
			expect.stringMatching(/^crm-kept warnings: /),
		]);
		expect(resultItemProblems([analysis], [{ ...item, raw: analysis.body }])).toEqual(['crm-kept has raw']);
	});

	it('hands an unrecognised body over whole, under payload', () => {
		expect(simplifyResult('unknown', { tracking_id: 'a', status: 'done' })).toEqual({
			event: 'unknown',
			trackingId: 'a',
			payload: { tracking_id: 'a', status: 'done' },
		});
	});
});
