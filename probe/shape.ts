/**
 * Field-by-field comparison of two JSON answers by shape, not by value: the
 * sandbox's data is made up, so only names, nesting and types can be compared.
 * Array items are merged into one shape, so an optional field or a null in
 * some items is not a difference.
 */

export type Kind = 'null' | 'array' | 'object' | 'string' | 'number' | 'boolean';

interface Shape {
	kinds: Set<Kind>;
	fields: Map<string, Shape>;
	/** Shape of the items of an array, merged; undefined when no array seen had any. */
	items?: Shape;
}

export type DifferenceKind = 'missing' | 'moved' | 'extra' | 'type';

export interface ShapeDifference {
	kind: DifferenceKind;
	/** Like payload.items[].content; `[]` stands for every item of an array. */
	path: string;
	sandbox: string;
	omi: string;
}

export function kindOf(value: unknown): Kind {
	if (value === null || value === undefined) return 'null';
	if (Array.isArray(value)) return 'array';
	return typeof value === 'object' ? 'object' : (typeof value as Kind);
}

const emptyShape = (): Shape => ({ kinds: new Set(), fields: new Map() });

function addToShape(shape: Shape, value: unknown): void {
	const kind = kindOf(value);
	shape.kinds.add(kind);
	if (kind === 'array') {
		for (const item of value as unknown[]) addToShape((shape.items ??= emptyShape()), item);
	} else if (kind === 'object') {
		for (const [key, field] of Object.entries(value as Record<string, unknown>)) {
			let fieldShape = shape.fields.get(key);
			if (!fieldShape) shape.fields.set(key, (fieldShape = emptyShape()));
			addToShape(fieldShape, field);
		}
	}
}

export function shapeOf(value: unknown): Shape {
	const shape = emptyShape();
	addToShape(shape, value);
	return shape;
}

const describeKinds = (kinds: Set<Kind>) => [...kinds].filter((k) => k !== 'null' || kinds.size === 1).join(' or ') || 'nothing';

const child = (path: string, key: string) => (path === '' ? key : `${path}.${key}`);

/** Every path in the shape where a field of this name sits. */
function pathsOfField(shape: Shape, name: string, path = ''): string[] {
	const found: string[] = [];
	for (const [key, field] of shape.fields) {
		const fieldPath = child(path, key);
		if (key === name) found.push(fieldPath);
		found.push(...pathsOfField(field, name, fieldPath));
	}
	if (shape.items) found.push(...pathsOfField(shape.items, name, `${path}[]`));
	return found;
}

/** Every field path in the shape. */
function allPaths(shape: Shape, path = '', into = new Set<string>()): Set<string> {
	for (const [key, field] of shape.fields) {
		into.add(child(path, key));
		allPaths(field, child(path, key), into);
	}
	if (shape.items) allPaths(shape.items, `${path}[]`, into);
	return into;
}

interface Roots {
	actual: Shape;
	/** Paths the sandbox has: a field of the same name there is not where a missing one went. */
	referencePaths: Set<string>;
}

function compare(reference: Shape, actual: Shape, path: string, roots: Roots, out: ShapeDifference[]): void {
	// A null where the sandbox sends a value (or the other way round) says nothing about the shape.
	const refKinds = new Set([...reference.kinds].filter((k) => k !== 'null'));
	const foreign = [...actual.kinds].filter((k) => k !== 'null' && !refKinds.has(k));
	if (refKinds.size > 0 && foreign.length > 0) {
		out.push({ kind: 'type', path: path || '(the whole answer)', sandbox: describeKinds(refKinds), omi: describeKinds(actual.kinds) });
		return;
	}
	for (const [key, refField] of reference.fields) {
		const fieldPath = child(path, key);
		const actualField = actual.fields.get(key);
		if (actualField) {
			compare(refField, actualField, fieldPath, roots, out);
			continue;
		}
		if (!actual.kinds.has('object')) continue;
		const elsewhere = pathsOfField(roots.actual, key).filter((candidate) => !roots.referencePaths.has(candidate));
		out.push(
			elsewhere.length > 0
				? { kind: 'moved', path: fieldPath, sandbox: fieldPath, omi: elsewhere.join(', ') }
				: { kind: 'missing', path: fieldPath, sandbox: describeKinds(refField.kinds), omi: 'absent' },
		);
	}
	if (reference.kinds.has('object')) {
		for (const [key, actualField] of actual.fields) {
			if (!reference.fields.has(key)) out.push({ kind: 'extra', path: child(path, key), sandbox: 'absent', omi: describeKinds(actualField.kinds) });
		}
	}
	if (reference.items && actual.items) compare(reference.items, actual.items, `${path}[]`, roots, out);
}

export function compareShapes(reference: unknown, actual: unknown): ShapeDifference[] {
	const out: ShapeDifference[] = [];
	const referenceShape = shapeOf(reference);
	const actualShape = shapeOf(actual);
	compare(referenceShape, actualShape, '', { actual: actualShape, referencePaths: allPaths(referenceShape) }, out);
	return out;
}

/** The values at a path like payload[].variables[].field_code; `[]` spreads an array. */
export function valuesAt(value: unknown, path: string): unknown[] {
	let current: unknown[] = [value];
	for (const segment of path.split('.')) {
		const spread = segment.endsWith('[]');
		const key = spread ? segment.slice(0, -2) : segment;
		current = current.flatMap((node) => {
			const next = key === '' ? node : kindOf(node) === 'object' ? (node as Record<string, unknown>)[key] : undefined;
			if (next === undefined) return [];
			if (!spread) return [next];
			return Array.isArray(next) ? next : [];
		});
	}
	return current;
}
