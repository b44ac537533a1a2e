import type { IDataObject, IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeApiError, NodeOperationError } from 'n8n-workflow';

/**
 * Makes sure the error names the item it came from, as n8n's own nodes do;
 * `label` names several items when one request stood for all of them.
 */
export function attachItemIndex(
	this: IExecuteFunctions,
	error: unknown,
	itemIndex: number,
	label = `item ${itemIndex}`,
): NodeApiError | NodeOperationError {
	const nodeError =
		error instanceof NodeApiError || error instanceof NodeOperationError
			? error
			: new NodeOperationError(this.getNode(), error as Error, { itemIndex });
	nodeError.context.itemIndex ??= itemIndex;
	if (!/\[items? /.test(nodeError.message)) nodeError.message += ` [${label}]`;
	return nodeError;
}

/** The item n8n expects in place of a failed one when "Continue On Fail" is on. */
export function errorItem(error: Error & { description?: string | null }, itemIndex: number): INodeExecutionData {
	const json: IDataObject = { error: error.message };
	if (error.description) json.errorDescription = error.description;
	return { json, pairedItem: { item: itemIndex } };
}

export type ItemFailure = NodeApiError | NodeOperationError;

export const isItemFailure = (value: unknown): value is ItemFailure =>
	value instanceof NodeApiError || value instanceof NodeOperationError;

/**
 * Runs `perItem` for every item, up to `concurrency` at a time, and gives
 * each item's result or its error, named after the item. Without Continue On
 * Fail the first failure stops it: no further item starts, and the failure of
 * the lowest item is thrown — the first bad item, whatever finished first.
 */
export async function settleItems<T>(
	context: IExecuteFunctions,
	count: number,
	perItem: (itemIndex: number) => Promise<T>,
	concurrency: number,
): Promise<Array<T | ItemFailure>> {
	const settled: Array<T | ItemFailure> = new Array(count);
	const failures: ItemFailure[] = [];
	let next = 0;
	const worker = async () => {
		while (next < count && (failures.length === 0 || context.continueOnFail())) {
			const itemIndex = next++;
			try {
				settled[itemIndex] = await perItem(itemIndex);
			} catch (error) {
				const failure = attachItemIndex.call(context, error, itemIndex);
				settled[itemIndex] = failure;
				failures.push(failure);
			}
		}
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
	if (failures.length > 0 && !context.continueOnFail()) {
		throw failures.reduce((first, failure) =>
			(failure.context.itemIndex as number) < (first.context.itemIndex as number) ? failure : first,
		);
	}
	return settled;
}

/**
 * Runs one request per input item, up to `concurrency` at a time, and keeps
 * the output in input order. Every result is linked to its item (pairedItem);
 * a failure either becomes an error item (Continue On Fail) or stops the node
 * naming the first failing item.
 */
export async function mapItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	perItem: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
	concurrency = 1,
): Promise<INodeExecutionData[]> {
	const settled = await settleItems(this, items.length, perItem, concurrency);
	return settled.flatMap((result, itemIndex) =>
		isItemFailure(result)
			? [errorItem(result, itemIndex)]
			: (Array.isArray(result) ? result : [result]).map((json) => ({ json, pairedItem: { item: itemIndex } })),
	);
}
