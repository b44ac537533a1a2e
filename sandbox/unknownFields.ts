/**
 * Results, call records and answers with fields OMI's documents do not show,
 * at the top level and inside every field the nodes read, and the check that
 * every value sent is found in an output item: a field the node carries at
 * its simplified place, an unknown one at the same path under `otherFields`.
 */

type Path = Array<string | number>;

export interface Leaf {
	path: Path;
	value: unknown;
}

/** Every value in a JSON body with its path; empty objects and lists count as values. */
export function leavesOf(value: unknown, path: Path = []): Leaf[] {
	if (Array.isArray(value) && value.length > 0) return value.flatMap((entry, index) => leavesOf(entry, [...path, index]));
	if (typeof value === 'object' && value !== null && Object.keys(value).length > 0) {
		return Object.entries(value).flatMap(([key, entry]) => leavesOf(entry, [...path, key]));
	}
	return [{ path, value }];
}

const valueAt = (root: unknown, path: Path): unknown =>
	path.reduce<unknown>((node, key) => (node === null || typeof node !== 'object' ? undefined : (node as Record<string, unknown>)[key]), root);

/** `a.b[].c` for ['a', 'b', 3, 'c']: the form the nodes' warnings use. */
export const patternOf = (path: Path): string =>
	path.map((key, index) => (typeof key === 'number' ? '[]' : index === 0 ? key : `.${key}`)).join('');

/**
 * The values of `posted` not found where they belong in `output`: under
 * `otherFields` at their own path when they sit in one of `unknown` (patterns
 * as the warnings name them), else where `placeOf` says the node puts them.
 * `placeOf` answers null for a documented field the simplified item leaves out
 * on purpose (the node's raw output keeps it), which is not checked.
 */
export function valuesNotKept(
	posted: unknown,
	output: unknown,
	unknown: string[],
	placeOf: (path: Path) => Path | null | undefined,
	keptIn = 'otherFields',
): string[] {
	const missing: string[] = [];
	for (const { path, value } of leavesOf(posted)) {
		const isUnknown = unknown.some((field) => {
			const pattern = patternOf(path);
			return pattern === field || pattern.startsWith(`${field}.`) || pattern.startsWith(`${field}[`);
		});
		const place = isUnknown ? [keptIn, ...path] : placeOf(path);
		if (place === null) continue;
		const found = place === undefined ? '(no place)' : valueAt(output, place);
		if (JSON.stringify(found) !== JSON.stringify(value)) {
			missing.push(`${patternOf(path)} = ${JSON.stringify(value)}: found ${JSON.stringify(found)} at ${place?.join('.') ?? '(no place)'}`);
		}
	}
	return missing;
}

/** The warning a node gives for each unknown field. */
export const unknownFieldWarning = (field: string, keptIn = 'otherFields') => `Unknown field "${field}" kept in ${keptIn}.${field}`;

export interface ResultWithUnknownFields {
	body: { tracking_id: string };
	unknown: string[];
	placeOf: (path: Path) => Path | undefined;
}

/**
 * What is wrong with the trigger's items for these results: a value not
 * kept, warnings other than one per unknown field, or a `raw` that unknown
 * fields alone must not add. Empty when all is right.
 */
export function resultItemProblems(results: ResultWithUnknownFields[], items: Array<Record<string, unknown>>): string[] {
	return results.flatMap(({ body, unknown, placeOf }) => {
		const item = items.find((candidate) => candidate.trackingId === body.tracking_id);
		if (!item) return [`no item for ${body.tracking_id}`];
		const expected = unknown.map((field) => unknownFieldWarning(field));
		return [
			...valuesNotKept(body, item, unknown, placeOf),
			...(JSON.stringify(item.warnings) === JSON.stringify(expected) ? [] : [`${body.tracking_id} warnings: ${JSON.stringify(item.warnings)}`]),
			...('raw' in item ? [`${body.tracking_id} has raw`] : []),
		];
	});
}

const CARD = { score: 'Score', max_score: 'MaxScore', passed: 'Passed', failed: 'Failed' } as const;

/** An analysis whose every value the trigger carries or keeps, unknown fields inside each field it reads. */
export function analysisWithUnknownFields(trackingId: string) {
	const card = (score: number, evaluator: string) => ({
		score,
		max_score: 100,
		passed: ['Greeting', 'Farewell'],
		failed: ['Upsell'],
		criteria_scores: [{ criteria: 'Greeting', score: 10, weight: 0.1 }],
		evaluator: { id: `${evaluator}-1`, name: evaluator },
	});
	const body = {
		tracking_id: trackingId,
		call_uuid: '7b1f0c2e-5d3a-4e9b-8c71-0a2b3c4d5e6f',
		agent: { id: 'agent-101', name: 'Nguyễn Thị Lan', extension: '101' },
		call_direction: 'inbound',
		duration_sec: 184,
		staff_talk_time: 96.5,
		customer_talk_time: 61.25,
		analyst_results: { agent_id: 'agent-101', overall_sentiment: 'positive' },
		quality_evaluation_result: { STAFF: card(72, 'qa-bot'), CUSTOMER: card(81, 'qa-bot'), reviewed_at: 1764990000 },
		keyword_count: { 'khuyến mãi': 2, 'hoàn tiền': 0 },
		nl_analyze_result: { summary: 'Khách hỏi về khuyến mãi', sentiment: 'positive', next_action: { type: 'call_back', in_days: 2 } },
	};
	const unknown = [
		'call_uuid',
		'agent',
		'call_direction',
		'duration_sec',
		'analyst_results.agent_id',
		'analyst_results.overall_sentiment',
		'quality_evaluation_result.STAFF.criteria_scores',
		'quality_evaluation_result.STAFF.evaluator',
		'quality_evaluation_result.CUSTOMER.criteria_scores',
		'quality_evaluation_result.CUSTOMER.evaluator',
		'quality_evaluation_result.reviewed_at',
	];
	const placeOf = (path: Path): Path | undefined => {
		const [field, ...rest] = path;
		if (field === 'tracking_id') return ['trackingId'];
		if (field === 'staff_talk_time') return ['staffTalkTime'];
		if (field === 'customer_talk_time') return ['customerTalkTime'];
		if (field === 'keyword_count') return ['keywords', ...rest];
		if (field === 'nl_analyze_result') return ['llm', ...rest];
		if (field === 'quality_evaluation_result') {
			const [speaker, key, ...index] = rest as [string, keyof typeof CARD, ...Path];
			return ['qa', `${speaker.toLowerCase()}${CARD[key]}`, ...index];
		}
		return undefined;
	};
	return { body, unknown, placeOf };
}

/** A transcript with unknown fields at the top level and in each word. */
export function transcriptionWithUnknownFields(trackingId: string) {
	const body = {
		tracking_id: trackingId,
		call_uuid: '7b1f0c2e-5d3a-4e9b-8c71-0a2b3c4d5e6f',
		language: 'vi',
		confidence: 0.93,
		channel: { left: 'STAFF', right: 'CUSTOMER' },
		text: 'Xin chào anh',
		from: 0.5,
		to: 1.9,
		word_alignment: [
			{ word: 'Xin', start: 0.5, end: 0.8, confidence: 0.97, speaker: 'STAFF' },
			{ word: 'chào', start: 0.8, end: 1.2, confidence: 0.95, speaker: 'STAFF' },
			{ word: 'anh', start: 1.3, end: 1.9, confidence: 0.88, speaker: 'STAFF' },
		],
	};
	const unknown = ['call_uuid', 'language', 'confidence', 'channel', 'word_alignment[].confidence', 'word_alignment[].speaker'];
	const placeOf = (path: Path): Path | undefined => {
		const [field, ...rest] = path;
		if (field === 'tracking_id') return ['trackingId'];
		if (field === 'text') return ['text'];
		if (field === 'from') return ['segments', 0, 'start'];
		if (field === 'to') return ['segments', 0, 'end'];
		if (field === 'word_alignment') return ['segments', 0, 'words', ...rest];
		return undefined;
	};
	return { body, unknown, placeOf };
}

/** Fields OMICall's documents do not show, for a call record, at the paths the sandbox adds them. */
export const CALL_UNKNOWN_FIELDS = {
	extraFields: {
		call_uuid: 'c-7b1f0c2e',
		queue: { id: 'q-1', name: 'Sales' },
		'customer.email': 'khach@example.vn',
		'create_by.team': 'Sales North',
		'user.0.extension_id': 'ext-101',
	},
	unknown: ['call_uuid', 'queue', 'customer.email', 'create_by.team', 'user[].extension_id'],
	/** Where a simplified call carries the record's fields; null for those it leaves out (Simplify off keeps them). */
	placeOf: (path: Path): Path | null => {
		const places: Record<string, Path> = {
			transaction_id: ['callId'],
			direction: ['direction'],
			bill_sec: ['talkSeconds'],
			record_seconds: ['recordingSeconds'],
			'user[].full_name': ['agent', 'name'],
			sip_user: ['agent', 'extension'],
			'customer.full_name': ['customer', 'name'],
			phone_number: ['customer', 'phone'],
			sip_number: ['hotline'],
			disposition: ['disposition'],
			recording_file_url: ['recordingUrl'],
		};
		return places[patternOf(path)] ?? null;
	},
};

/** Fields the documents do not show in an upload's acknowledgement, as an add-fields fault adds them. */
export const UPLOAD_UNKNOWN_FIELDS = {
	fields: { request_id: 'req-42', 'payload.job_id': 'job-9', 'payload.queue': { position: 3, eta_seconds: 40 } },
	unknown: ['request_id', 'payload.job_id', 'payload.queue'],
};
