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

/** Percent-decoded text, or the text as it came when its escapes are not valid (`a%zz.mp3`). */
export function decodedOrAsIs(text: string): string {
	try {
		return decodeURIComponent(text);
	} catch {
		return text;
	}
}
