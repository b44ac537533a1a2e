/**
 * Alovoice endpoints (omi-api.md section 4): a call is sent to AI analysis,
 * then its result is polled until it holds the transcript (`stalk`).
 *
 * Where the vendor's documents are silent, the sandbox answers:
 * - wrong token: HTTP 401 `{"error": "Invalid token"}`;
 * - unknown call ID: HTTP 200 `{"error": "Call not found"}`, like a result
 *   asked for before the call was sent (`{"error": "Call was not sent to AI analysis"}`);
 * - not ready yet: HTTP 200 `{"answer": {...}}` without `stalk` and `tags`,
 *   until `readyAfterMs` have passed since the first send (null: never).
 * A 502 page from nginx comes from a fault rule with NGINX_502_PAGE as its body.
 */

import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';

import { sendJson } from './envelope';
import type { AlovoiceCall, AlovoiceControl } from './types';

/** The answer nginx in front of Alovoice gives when the app behind it is down. */
export const NGINX_502_PAGE =
	'<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n';

type Direction = 'operator' | 'client';

interface CallFixture {
	/** Who says what, [start ms, end ms], in the order Alovoice lists them (not always by time). */
	dialogue: Array<[Direction, number, number, string]>;
	/** Rule name, and the fragment index where it fired; undefined: it did not fire. */
	rules: Array<[string, number | undefined]>;
}

const GREETING = 'Приветствие';
const FAREWELL = 'Прощание';
const NO_COMPANY_INTRODUCTION = 'Нет представления компании';
const NO_EXTRA_INFORMATION = 'Нет дополнительной информации';

/** The recorded calls the sandbox knows: Uzbek and Russian, as Alovoice's customers talk. */
const CALLS: Record<string, CallFixture> = {
	'call-1001': {
		dialogue: [
			['operator', 1120, 2960, 'Assalomu alaykum'],
			['client', 4720, 6280, 'Assalomu alaykum, men buyurtmam haqida so‘ramoqchi edim'],
			['client', 14100, 18900, 'Да, номер заказа 48213, доставка должна была быть вчера'],
			['operator', 7400, 13200, 'Albatta, buyurtma raqamini aytib bera olasizmi?'],
			['operator', 19800, 26500, 'Спасибо, заказ уже передан курьеру, он будет у вас сегодня до шести'],
			['client', 27100, 28900, 'Rahmat, katta rahmat'],
			['operator', 29600, 31800, 'Salomat bo‘ling, xayr'],
		],
		rules: [
			[NO_COMPANY_INTRODUCTION, undefined],
			[NO_EXTRA_INFORMATION, undefined],
			[GREETING, 0],
			[FAREWELL, 6],
		],
	},
	'call-1002': {
		dialogue: [
			['operator', 900, 3500, 'Да, слушаю'],
			['client', 4100, 9800, 'Здравствуйте, у меня не работает интернет с утра'],
			['operator', 10400, 15600, 'Qaysi manzilda? Mahalla va uy raqamini ayting'],
			['client', 16200, 19900, 'Chilonzor, 9-kvartal, 14-uy'],
			['operator', 20500, 24800, 'Хорошо, мастер придёт завтра. Всего доброго'],
		],
		rules: [
			[NO_COMPANY_INTRODUCTION, undefined],
			[GREETING, undefined],
			[FAREWELL, 4],
		],
	},
};

export const ALOVOICE_CALL_IDS = Object.keys(CALLS);

const hexId = (seed: string) => createHash('sha1').update(seed).digest('hex').slice(0, 24);

function buildAnswer(callId: string, call: AlovoiceCall, ready: boolean): Record<string, unknown> {
	const summary = {
		begin_time: Math.floor(call.sentAt / 1000),
		aicallid: hexId(`aicall:${callId}`),
		stereoaudio: `/stereo/${callId}`,
	};
	if (!ready) return summary;
	const { dialogue, rules } = CALLS[callId];
	const stalk = dialogue.map(([direction, begin, end, text], index) => ({
		begin,
		end,
		direction,
		text,
		fragment_id: hexId(`fragment:${callId}:${index}`),
	}));
	const tags = rules.map(([name, fragmentIndex]) => {
		const tag = { name, value: '', visible: null, tag_type: 'rule' };
		if (fragmentIndex === undefined) return tag;
		const { begin, end, text, fragment_id } = stalk[fragmentIndex];
		return { ...tag, value: name, begin, end, match_text: text.toLowerCase(), fragment_id };
	});
	return { ...summary, stalk, tags };
}

export class AlovoiceSandbox {
	private calls = new Map<string, AlovoiceCall>();

	private readyAfterMs: number | null;

	constructor(
		private readonly token: string,
		private readonly defaultReadyAfterMs: number,
	) {
		this.readyAfterMs = defaultReadyAfterMs;
	}

	readonly control: AlovoiceControl = {
		setReadyAfterMs: (ms) => {
			this.readyAfterMs = ms;
		},
		calls: () => structuredClone([...this.calls.values()]),
	};

	reset(): void {
		this.calls = new Map();
		this.readyAfterMs = this.defaultReadyAfterMs;
	}

	/** Answers and returns true when the path is an Alovoice endpoint. */
	handle(method: string, path: string, res: ServerResponse): boolean {
		const match = /^\/(callsendai|callgetairesult)\/([^/]*)\/([^/]+)$/.exec(path);
		if (!match || method !== 'GET') return false;
		const [, endpoint, token, rawCallId] = match;
		if (decodeURIComponent(token) !== this.token) {
			sendJson(res, 401, { error: 'Invalid token' });
			return true;
		}
		const callId = decodeURIComponent(rawCallId);
		if (!CALLS[callId]) {
			sendJson(res, 200, { error: 'Call not found' });
			return true;
		}
		const now = Date.now();
		let call = this.calls.get(callId);
		if (endpoint === 'callsendai') {
			call ??= { callId, sentAt: now, polls: 0 };
			this.calls.set(callId, call);
			sendJson(res, 200, { answer: buildAnswer(callId, call, false) });
			return true;
		}
		if (!call) {
			sendJson(res, 200, { error: 'Call was not sent to AI analysis' });
			return true;
		}
		call.polls++;
		const ready = this.readyAfterMs !== null && now - call.sentAt >= this.readyAfterMs;
		sendJson(res, 200, { answer: buildAnswer(callId, call, ready) });
		return true;
	}
}
