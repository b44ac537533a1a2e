/** The probe's HTTP: one request, one answer or a readable reason why there was none. */

export interface Ask {
	method: 'GET' | 'POST';
	url: string;
	headers?: Record<string, string>;
	body?: string | FormData;
}

export type Answer =
	| { answered: true; status: number; contentType: string; text: string; json?: unknown }
	| { answered: false; failure: string };

const NETWORK_REASONS: Record<string, string> = {
	ENOTFOUND: 'the host name does not resolve (no network, or a wrong host)',
	EAI_AGAIN: 'the host name could not be resolved (no network or no DNS)',
	ECONNREFUSED: 'the host refused the connection (nothing listens there)',
	ECONNRESET: 'the connection was cut before an answer came',
	EHOSTUNREACH: 'the host cannot be reached (no network route)',
	ENETUNREACH: 'the network is unreachable',
	UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
	UND_ERR_SOCKET: 'the connection was closed before an answer came',
	CERT_HAS_EXPIRED: 'the TLS certificate has expired',
	DEPTH_ZERO_SELF_SIGNED_CERT: 'the TLS certificate is self-signed',
	UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'the TLS certificate cannot be verified',
	ERR_TLS_CERT_ALTNAME_INVALID: 'the TLS certificate is for another host name',
};

export function describeFailure(error: unknown, timeoutMs: number): string {
	const { name, message, cause } = error as { name?: string; message?: string; cause?: { code?: string; message?: string } };
	if (name === 'TimeoutError' || name === 'AbortError') return `no answer within ${Math.round(timeoutMs / 1000)} s`;
	const code = cause?.code;
	if (code && NETWORK_REASONS[code]) return NETWORK_REASONS[code];
	return `${cause?.message ?? message ?? String(error)}${code ? ` (${code})` : ''}`;
}

export async function send(ask: Ask, timeoutMs: number): Promise<Answer> {
	try {
		const response = await fetch(ask.url, {
			method: ask.method,
			headers: ask.headers,
			body: ask.body,
			redirect: 'manual',
			signal: AbortSignal.timeout(timeoutMs),
		});
		const text = await response.text();
		const contentType = response.headers.get('content-type') ?? '';
		let json: unknown;
		try {
			json = text.trim() === '' ? undefined : (JSON.parse(text) as unknown);
		} catch {
			json = undefined;
		}
		return { answered: true, status: response.status, contentType, text, json };
	} catch (error) {
		return { answered: false, failure: describeFailure(error, timeoutMs) };
	}
}
