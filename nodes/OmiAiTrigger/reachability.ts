/**
 * Whether OMI, on the internet, can ever post to a webhook URL: not when its
 * host is this machine (localhost, 127.0.0.0/8, ::1) or a private network
 * address (10/8, 172.16/12, 192.168/16, 169.254/16, fc00::/7, fe80::/10).
 */
const LOCAL_HOST_PATTERNS = [
	/^localhost$/i,
	/\.localhost$/i,
	/^127\.\d+\.\d+\.\d+$/,
	/^10\.\d+\.\d+\.\d+$/,
	/^192\.168\.\d+\.\d+$/,
	/^172\.(1[6-9]|2\d|3[01])\.\d+\.\d+$/,
	/^169\.254\.\d+\.\d+$/,
	/^0\.0\.0\.0$/,
	/^\[?::1?\]?$/,
	/^\[?f[cd][0-9a-f]{2}:/i,
	/^\[?fe[89ab][0-9a-f]:/i,
];

/** The host of `url` when OMI cannot reach it, else undefined. */
export function unreachableHost(url: string): string | undefined {
	let host: string;
	try {
		host = new URL(url).hostname;
	} catch {
		return undefined;
	}
	return LOCAL_HOST_PATTERNS.some((pattern) => pattern.test(host)) ? host : undefined;
}

export const unreachableUrlWarning = (url: string, host: string) =>
	`OMI AI Trigger: n8n's webhook URL ${url} points to ${host}, which OMI cannot reach from the internet, so OMI will never deliver results to it. Set n8n's WEBHOOK_URL environment variable to the public address of this n8n (e.g. https://n8n.example.com/) and activate the workflow again. Registering it anyway, for a local OMI sandbox.`;
