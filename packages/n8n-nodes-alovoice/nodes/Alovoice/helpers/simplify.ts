import type { IDataObject } from 'n8n-workflow';

import { type KnownFields, keepUnknownFields } from '../../shared/unknownFields';
import type { AlovoiceAnswer, AlovoiceResponse, AlovoiceTag } from '../transport';

/** Alovoice's answer as docs/alovoice-api.md shows it; anything else goes to `otherFields`, named in `warnings`. */
const KNOWN_ANSWER_FIELDS: KnownFields = {
	begin_time: true,
	aicallid: true,
	stereoaudio: true,
	stalk: { '[]': { begin: true, end: true, direction: true, text: true, fragment_id: true } },
	tags: {
		'[]': {
			name: true,
			value: true,
			visible: true,
			tag_type: true,
			begin: true,
			end: true,
			match_text: true,
			fragment_id: true,
		},
	},
};

const SPEAKERS = { operator: 'agent', client: 'customer' } as const;

const SPEAKER_LABELS: Record<string, string> = { agent: 'Agent', customer: 'Customer' };

const seconds = (ms: number | undefined) => (typeof ms === 'number' ? ms / 1000 : null);

/** The analysis is done once Alovoice sends the transcript (docs/alovoice-api.md §2). */
export function isReady(answer: AlovoiceAnswer): boolean {
	return Array.isArray(answer.stalk);
}

/** A tag with a matched text or a time marks where its rule hit; one without both never did. */
const hasFired = (tag: AlovoiceTag) => Boolean(tag.match_text) || typeof tag.begin === 'number';

/** What Send to Analysis gives: epoch seconds as an ISO date, the recording path as a full URL. */
export function simplifySend(response: AlovoiceResponse): IDataObject {
	return keepUnknownFields(sendFields(response), response.answer, KNOWN_ANSWER_FIELDS);
}

function sendFields({ answer, baseUrl }: AlovoiceResponse): IDataObject {
	return {
		aicallid: answer.aicallid ?? null,
		begin_time: typeof answer.begin_time === 'number' ? new Date(answer.begin_time * 1000).toISOString() : null,
		stereoaudio: answer.stereoaudio ? new URL(answer.stereoaudio, `${baseUrl}/`).href : null,
	};
}

/**
 * The result as a workflow uses it: the transcript in time order with plain
 * speaker names and seconds, a readable text, and the rules split into those
 * that fired and those that did not, so a plain IF node can alert on a miss.
 */
export function simplifyResult(response: AlovoiceResponse): IDataObject {
	const { answer } = response;
	if (!isReady(answer)) return { ready: false, ...simplifySend(response) };

	const transcript = [...(answer.stalk ?? [])]
		.sort((a, b) => a.begin - b.begin)
		.map((fragment) => ({
			// A direction Alovoice may add later is passed on rather than guessed.
			speaker: SPEAKERS[fragment.direction] ?? String(fragment.direction),
			start: seconds(fragment.begin),
			end: seconds(fragment.end),
			text: fragment.text,
		}));
	const tags = answer.tags ?? [];
	const fired = tags.filter(hasFired).map((tag) => ({
		name: tag.name,
		matchText: tag.match_text ?? null,
		start: seconds(tag.begin),
		end: seconds(tag.end),
	}));
	const firedNames = new Set(fired.map((tag) => tag.name));
	const notFired = [...new Set(tags.filter((tag) => !hasFired(tag)).map((tag) => tag.name))].filter(
		(name) => !firedNames.has(name),
	);

	const simplified = {
		ready: true,
		...sendFields(response),
		transcript,
		text: transcript.map(({ speaker, text }) => `${SPEAKER_LABELS[speaker] ?? speaker}: ${text}`).join('\n'),
		tags: { fired, notFired },
	};
	return keepUnknownFields(simplified, answer, KNOWN_ANSWER_FIELDS);
}
