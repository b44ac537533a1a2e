import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/**
 * A parameter's value as trimmed text. An expression that points at a missing
 * field gives undefined, which must read as empty rather than as "undefined".
 */
export function asText(value: unknown): string {
	return value === undefined || value === null ? '' : String(value).trim();
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
