export const withoutTrailingSlash = (url: string) => url.trim().replace(/\/+$/, '');

/** The text as an http(s) URL, or undefined when it is not one. */
export function httpUrlOf(text: string): URL | undefined {
	try {
		const url = new URL(text.trim());
		return ['http:', 'https:'].includes(url.protocol) ? url : undefined;
	} catch {
		return undefined;
	}
}
