/** The OMI API surface: which path goes to which handler, behind which credentials. */

import { registerWebhook, uploadHandler } from './ai';
import { searchCalls } from './callHistory';
import { countCalls, executeByPhone, getScript, listAnalyzedLogs, listScripts } from './callbot';
import type { RouteContext } from './core';
import { drain, sendFail, sendOk } from './envelope';

/**
 * none: the token exchange itself; ai: header `apiKey`; callbot: header
 * `x-api-key` plus a Bearer token (omi-api.md section 1); bearer: the token
 * alone, all the call history documents (§5.1).
 */
type Guard = 'none' | 'ai' | 'callbot' | 'bearer';

interface ApiRoute {
	method: 'GET' | 'POST';
	pattern: RegExp;
	guard: Guard;
	handle: (ctx: RouteContext) => void | Promise<void>;
}

function issueToken({ res, url, core }: RouteContext): void {
	core.state.authRequests++;
	const key = url.searchParams.get('apiKey') ?? '';
	if (key === '') return sendFail(res, 'api_key_is_required', core.options.keyErrorStatus);
	if (key !== core.options.apiKey) return sendFail(res, 'api_key_invalid', core.options.keyErrorStatus);
	const accessToken = core.tokens.issue();
	core.state.tokensIssued++;
	sendOk(res, { access_token: accessToken, token_type: 'Bearer', access_type: 'normal' });
}

const ROUTES: ApiRoute[] = [
	{ method: 'GET', pattern: /^\/api\/auth$/, guard: 'none', handle: issueToken },
	{ method: 'POST', pattern: /^\/api\/ai\/register_webhook_ai$/, guard: 'ai', handle: registerWebhook },
	{ method: 'POST', pattern: /^\/api\/ai\/speech_to_text$/, guard: 'ai', handle: uploadHandler('speech_to_text') },
	{ method: 'POST', pattern: /^\/api\/ai\/call_analyze$/, guard: 'ai', handle: uploadHandler('call_analyze') },
	{ method: 'GET', pattern: /^\/api\/call_bot\/script\/list$/, guard: 'callbot', handle: listScripts },
	{ method: 'GET', pattern: /^\/api\/call_bot\/get_by_id\/([^/]+)$/, guard: 'callbot', handle: getScript },
	{ method: 'POST', pattern: /^\/api\/call_bot\/execute_by_phone$/, guard: 'callbot', handle: executeByPhone },
	{ method: 'POST', pattern: /^\/api\/call_bot\/call\/count$/, guard: 'callbot', handle: countCalls },
	{ method: 'POST', pattern: /^\/api\/call_bot\/analyzed_log\/list$/, guard: 'callbot', handle: listAnalyzedLogs },
	{ method: 'POST', pattern: /^\/api\/v2\/callTransaction\/search$/, guard: 'bearer', handle: searchCalls('v2') },
	{ method: 'POST', pattern: /^\/api\/v3\/call-transaction\/search$/, guard: 'bearer', handle: searchCalls('v3') },
];

const safeDecode = (text: string) => {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
};

const headerValue = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value) ?? '';

/** Answers and returns false when the request lacks what the guard wants. */
function passesGuard(guard: Guard, { req, res, core }: RouteContext): boolean {
	if (guard === 'none') return true;
	if (guard !== 'bearer') {
		// OMI answers key problems with HTTP 200 and status_code -9999: the trap omi-api.md warns about.
		const key = headerValue(req.headers[guard === 'ai' ? 'apikey' : 'x-api-key']);
		const keyError = key === '' ? 'api_key_is_required' : key !== core.options.apiKey ? 'api_key_invalid' : undefined;
		if (keyError) {
			sendFail(res, keyError, core.options.keyErrorStatus);
			return false;
		}
	}
	if (guard === 'callbot' || guard === 'bearer') {
		const token = core.tokens.check(req.headers.authorization);
		if (token !== 'valid') {
			sendFail(res, token === 'expired' ? 'token_expired' : 'auth_invalid', 401);
			return false;
		}
	}
	return true;
}

export async function handleApiRequest(ctx: Omit<RouteContext, 'params'>, path: string): Promise<void> {
	for (const route of ROUTES) {
		const match = route.pattern.exec(path);
		if (!match || route.method !== ctx.req.method) continue;
		const routeCtx: RouteContext = { ...ctx, params: match.slice(1).map(safeDecode) };
		if (!passesGuard(route.guard, routeCtx)) {
			drain(ctx.req);
			return;
		}
		await route.handle(routeCtx);
		return;
	}
	sendFail(ctx.res, 'not_found', 404);
	drain(ctx.req);
}
