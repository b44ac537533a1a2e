import type { IDataObject } from 'n8n-workflow';

export function isPlainObject(value: unknown): value is IDataObject {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A vendor's answer as a JSON object, whether the HTTP layer parsed it or left it as text; undefined otherwise. */
export function parseJsonObject(body: unknown): IDataObject | undefined {
	if (isPlainObject(body)) return body;
	if (typeof body !== 'string') return undefined;
	try {
		const parsed: unknown = JSON.parse(body);
		return isPlainObject(parsed) ? parsed : undefined;
	} catch {
		return undefined;
	}
}
