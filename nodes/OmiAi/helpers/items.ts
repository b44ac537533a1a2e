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

/**
 * Runs `task` for indexes 0 to count - 1 in order, up to `concurrency` at a
 * time, starting no further index once `stop` says so.
 */
export async function runLimited(
	count: number,
	concurrency: number,
	task: (index: number) => Promise<void>,
	stop: () => boolean,
): Promise<void> {
	let next = 0;
	const worker = async () => {
		while (next < count && !stop()) await task(next++);
	};
	await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, count)) }, worker));
}

/**
 * Runs one request per input item, up to `concurrency` at a time, and keeps
 * the output in input order. Every result is linked to its item (pairedItem);
 * a failure either becomes an error item (Continue On Fail) or stops the node
 * naming the item — the first failing item, whatever finished first.
 */
export async function mapItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	perItem: (itemIndex: number) => Promise<IDataObject | IDataObject[]>,
	concurrency = 1,
): Promise<INodeExecutionData[]> {
	const outputs: INodeExecutionData[][] = new Array(items.length);
	const failures: Array<NodeApiError | NodeOperationError> = [];
	await runLimited(
		items.length,
		concurrency,
		async (itemIndex) => {
			try {
				const result = await perItem(itemIndex);
				outputs[itemIndex] = (Array.isArray(result) ? result : [result]).map((json) => ({
					json,
					pairedItem: { item: itemIndex },
				}));
			} catch (error) {
				const nodeError = attachItemIndex.call(this, error, itemIndex);
				if (this.continueOnFail()) outputs[itemIndex] = [errorItem(nodeError, itemIndex)];
				else failures.push(nodeError);
			}
		},
		() => failures.length > 0 && !this.continueOnFail(),
	);
	if (failures.length > 0) throw firstByItem(failures);
	return outputs.flat();
}

/** Items start in input order, so the lowest item index among failures is the first bad item. */
export const firstByItem = <T extends NodeApiError | NodeOperationError>(failures: T[]): T =>
	failures.reduce((first, failure) =>
		(failure.context.itemIndex as number) < (first.context.itemIndex as number) ? failure : first,
	);
