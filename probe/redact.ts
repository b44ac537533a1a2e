/**
 * Everything the probe writes goes through here, so a user can attach the
 * report to an issue as it is: the API key, tokens, phone numbers and e-mail
 * addresses become placeholders, wherever they sit.
 */

const SECRET_FIELD = /^(access_?token|refresh_?token|token|api_?key|x-api-key|authorization|secret|password)$/i;
const JWT = /eyJ[\w-]{4,}\.[\w-]{4,}\.[\w-]*/g;
const EMAIL = /[\w.+-]+@[\w-]+(\.[\w-]+)+/g;
/** Vietnamese numbers as OMI dials them (0…, 84…, +84…), and any other long run of digits with a leading +. */
const PHONE = /(?<![\w.])(?:\+?84\d{8,10}|0\d{8,10}|\+\d{9,14})(?![\w.])/g;
const TOKEN_QUERY = /([?&](?:token|apiKey|api_key)=)[^&#\s"]*/gi;

export class Redactor {
	private readonly secrets = new Set<string>();

	/** A value that must never appear, such as the API key or a token the probe received. */
	addSecret(value: string | undefined): void {
		if (value && value.length >= 4) this.secrets.add(value);
	}

	text(value: string): string {
		let text = value;
		// Longest first, so a secret that contains another is replaced whole.
		for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) text = text.split(secret).join('<secret>');
		return text
			.replace(JWT, '<token>')
			.replace(TOKEN_QUERY, '$1<secret>')
			.replace(EMAIL, '<email>')
			.replace(PHONE, '<phone>');
	}

	value<T>(value: T): T {
		return this.walk(value, undefined) as T;
	}

	private walk(value: unknown, field: string | undefined): unknown {
		if (typeof value === 'string') return field !== undefined && SECRET_FIELD.test(field) && value !== '' ? '<secret>' : this.text(value);
		if (Array.isArray(value)) return value.map((entry) => this.walk(entry, undefined));
		if (typeof value === 'object' && value !== null) {
			return Object.fromEntries(Object.entries(value).map(([key, entry]) => [this.text(key), this.walk(entry, key)]));
		}
		return value;
	}
}
