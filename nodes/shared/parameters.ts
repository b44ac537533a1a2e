import type { IExecuteFunctions, INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * A parameter's value as trimmed text. An expression that points at a missing
 * field gives undefined, which must read as empty rather than as "undefined".
 */
export function asText(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
}

/**
 * A mapped value as text. Objects and lists are refused: String() would send
 * "[object Object]" or "31,01", which nobody meant. Empty when unset.
 */
export function scalarText(node: INode, value: unknown, field: string, itemIndex: number): string {
	if (value === undefined || value === null) return '';
	if (typeof value === 'string') return value;
	if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
	const kind = Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'an object' : `a ${typeof value}`;
	throw new NodeOperationError(node, `${field} of item ${itemIndex} is ${kind}, not text, a number or true/false`, {
		itemIndex,
		description:
			'Map the field that holds the value itself, or turn it into text in the expression, for example {{ $json.tags.join(", ") }}.',
	});
}

export function textParameter(this: IExecuteFunctions, name: string, itemIndex: number): string {
	return asText(this.getNodeParameter(name, itemIndex, ''));
}

/** A text parameter that must not be empty; the error names the field and the item before anything is sent. */
export function requiredTextParameter(
	this: IExecuteFunctions,
	name: string,
	displayName: string,
	itemIndex: number,
): string {
	const text = textParameter.call(this, name, itemIndex);
	if (!text) {
		throw new NodeOperationError(this.getNode(), `${displayName} is empty`, {
			itemIndex,
			description: `Enter the ${displayName}, or check that the expression finds it in the input item.`,
		});
	}
	return text;
}
