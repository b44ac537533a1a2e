/**
 * Generated request bodies for the trigger's fuzz run: random bytes, random
 * JSON, and real OMI results broken in the ways a buggy or hostile sender
 * would break them. Deterministic for a seed, so a failure can be replayed.
 */

import { buildResult } from '../../sandbox/server';

export interface FuzzedBody {
	body: string | Buffer;
	contentType: string;
	/** How the body was made, for the failure message. */
	recipe: string;
}

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
function random(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

type Random = () => number;

const pick = <T>(next: Random, items: readonly T[]): T => items[Math.floor(next() * items.length)];
const integer = (next: Random, max: number) => Math.floor(next() * max);

const ODD_STRINGS = ['', ' ', '0', '-1', 'null', 'NaN', '1e309', '{"a":', '[', '\u0000', '🙂', 'Dạ em chào chị', 'x'.repeat(10_000)];
const KEYS = [
	'tracking_id',
	'text',
	'from',
	'to',
	'word_alignment',
	'analyst_results',
	'quality_evaluation_result',
	'keyword_count',
	'nl_analyze_result',
	'staff_talk_time',
	'STAFF',
	'score',
	'__proto__',
	'constructor',
	'prototype',
	'toString',
	'',
];

function randomJson(next: Random, depth: number): unknown {
	const kind = integer(next, depth > 4 ? 4 : 7);
	switch (kind) {
		case 0:
			return null;
		case 1:
			return next() < 0.5;
		case 2:
			return pick(next, [0, -1, 1.5, 1e308, -0, Number.MAX_SAFE_INTEGER, 55, 100]);
		case 3:
			return pick(next, ODD_STRINGS);
		case 4:
			return Array.from({ length: integer(next, 4) }, () => randomJson(next, depth + 1));
		default:
			return Object.fromEntries(Array.from({ length: integer(next, 5) }, () => [pick(next, KEYS), randomJson(next, depth + 1)]));
	}
}

function nestedArray(depth: number): unknown {
	let value: unknown = 1;
	for (let level = 0; level < depth; level++) value = [value];
	return value;
}

/** One change to a real result; several may apply to the same body. */
const MUTATIONS: Array<(next: Random, body: Record<string, unknown>) => void> = [
	(next, body) => delete body[pick(next, Object.keys(body))],
	(next, body) => (body[pick(next, Object.keys(body))] = randomJson(next, 2)),
	(next, body) => (body[pick(next, KEYS)] = pick(next, ODD_STRINGS)),
	(next, body) => (body[pick(next, Object.keys(body))] = JSON.stringify(randomJson(next, 1))),
	(next, body) => (body.analyst_results = nestedArray(10 + integer(next, 60))),
	(_next, body) => (body.tracking_id = { nested: body.tracking_id }),
	(next, body) => Object.defineProperty(body, pick(next, ['__proto__', 'constructor']), {
			value: { polluted: true },
			enumerable: true,
			writable: true,
			configurable: true,
		}),
];

/** `count` bodies for the seed: about a third each of noise, random JSON and mutated real results. */
export function* fuzzBodies(seed: number, count: number): Generator<FuzzedBody> {
	const next = random(seed);
	for (let index = 0; index < count; index++) {
		const shape = integer(next, 3);
		if (shape === 0) {
			const bytes = Buffer.from(Array.from({ length: integer(next, 2000) }, () => integer(next, 256)));
			yield { body: bytes, contentType: pick(next, ['application/json', 'text/plain', 'application/octet-stream']), recipe: `bytes #${index}` };
			continue;
		}
		if (shape === 1) {
			yield { body: JSON.stringify(randomJson(next, 0)), contentType: 'application/json', recipe: `random JSON #${index}` };
			continue;
		}
		const kind = pick(next, ['analysis', 'transcription'] as const);
		const body = { ...buildResult(kind, `fuzz-${seed}-${index}`) } as Record<string, unknown>;
		const changes = 1 + integer(next, 3);
		for (let change = 0; change < changes; change++) pick(next, MUTATIONS)(next, body);
		let text = JSON.stringify(body);
		// Now and then cut short, as a dropped connection or a broken sender would.
		if (next() < 0.1) text = text.slice(0, integer(next, text.length));
		yield { body: text, contentType: pick(next, ['application/json', 'application/json; charset=utf-8', 'text/plain']), recipe: `${kind} result #${index}, ${changes} change(s)` };
	}
}
