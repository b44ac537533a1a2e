/** Shorter values are not treated as secrets: hiding them would garble ordinary text. */
const MIN_SECRET_LENGTH = 4;

/** Upper- and lower-case hex digits are both valid in a percent escape, and servers echo either. */
const lowerCaseEscapes = (text: string) => text.replace(/%[0-9A-F]{2}/g, (escape) => escape.toLowerCase());

/**
 * Every form in which a secret can come back in a text: as it is, URL-encoded
 * in a path or a query (a space as %20 or +, as URLSearchParams and axios
 * write it), with lower-case escapes, and escaped inside a JSON string.
 */
export function secretForms(secret: string): string[] {
	const encoded = encodeURIComponent(secret);
	const forms = [
		secret,
		encoded,
		encoded.replace(/%20/g, '+'),
		new URLSearchParams({ s: secret }).toString().slice(2),
		encodeURI(secret),
		JSON.stringify(secret).slice(1, -1),
	];
	return [...new Set([...forms, ...forms.map(lowerCaseEscapes)])];
}

/**
 * Removes every form of every given secret from a text that may reach the
 * user, a log or an item. The one redaction both vendors' transports, the
 * credentials and the trigger use.
 */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
	const forms = secrets
		.filter((secret): secret is string => typeof secret === 'string' && secret.length >= MIN_SECRET_LENGTH)
		.flatMap(secretForms)
		// Longest first, so that a form containing another is removed whole.
		.sort((a, b) => b.length - a.length);
	let clean = text;
	for (const form of forms) clean = clean.split(form).join('***');
	return clean;
}
