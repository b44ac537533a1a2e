import type { IDataObject } from 'n8n-workflow';

import { isPlainObject } from './json';

/**
 * The fields a simplified item knows, as a tree: `true` for a field taken as
 * a whole (or documented and left out on purpose), an object for a field the
 * node reads inside, where `'*'` stands for any key and `'[]'` for every entry
 * of a list.
 */
export type KnownFields = true | { readonly [key: string]: KnownFields };

/** The one field of a simplified item that holds what the vendor sent and the node does not know. */
export const OTHER_FIELDS = 'otherFields';

export interface UnknownFields {
	/** The unknown fields, each at the path the vendor sent it; undefined when there are none. */
	kept: IDataObject | undefined;
	/** One line per unknown field, naming where it is kept; a list's entries share one line. */
	warnings: string[];
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

const keyPath = (path: string, key: string) =>
	IDENTIFIER.test(key) ? (path ? `${path}.${key}` : key) : `${path}[${JSON.stringify(key)}]`;

/** JSON text stands for the object or list it holds, as the nodes read it. */
function parsed(value: unknown): unknown {
	if (typeof value !== 'string' || !/^\s*[[{]/.test(value)) return value;
	try {
		return JSON.parse(value) as unknown;
	} catch {
		return value;
	}
}

function collect(value: unknown, known: KnownFields, path: string, found: Set<string>): unknown {
	if (known === true) return undefined;
	const content = parsed(value);
	if (Array.isArray(content) && known['[]'] !== undefined) {
		const entries = content.map((entry) => collect(entry, known['[]'], `${path}[]`, found));
		// Entries keep their places, so that a kept field is found by the index of its entry.
		return entries.some((entry) => entry !== undefined) ? entries.map((entry) => entry ?? null) : undefined;
	}
	if (!isPlainObject(content)) return undefined;
	const kept: IDataObject = {};
	for (const [key, field] of Object.entries(content)) {
		const childPath = keyPath(path, key);
		const childKnown = Object.prototype.hasOwnProperty.call(known, key) ? known[key] : known['*'];
		if (childKnown === undefined) {
			found.add(childPath);
			kept[key] = field as IDataObject;
			continue;
		}
		const inner = collect(field, childKnown, childPath, found);
		if (inner !== undefined) kept[key] = inner as IDataObject;
	}
	return Object.keys(kept).length > 0 ? kept : undefined;
}

/**
 * What `source` holds that `known` does not describe, at the top level and
 * inside every field the node reads, so that a simplified item can keep it
 * and say so.
 */
export function unknownFieldsOf(source: unknown, known: KnownFields, keptIn = OTHER_FIELDS): UnknownFields {
	const found = new Set<string>();
	const kept = collect(source, known, '', found) as IDataObject | undefined;
	const warnings = [...found].map((path) => `Unknown field "${path}" kept in ${keptIn}${path.startsWith('[') ? '' : '.'}${path}`);
	return { kept, warnings };
}

/** The item with the unknown fields of `source` in `otherFields` and named in `warnings` (after any it had). */
export function keepUnknownFields(item: IDataObject, source: unknown, known: KnownFields): IDataObject {
	const { kept, warnings } = unknownFieldsOf(source, known);
	if (kept === undefined) return item;
	const earlier = Array.isArray(item.warnings) ? (item.warnings as string[]) : [];
	return { ...item, [OTHER_FIELDS]: kept, warnings: [...earlier, ...warnings] };
}
