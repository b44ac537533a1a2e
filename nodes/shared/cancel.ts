import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleepWithAbort } from 'n8n-workflow';

/** The signal n8n raises when the execution is stopped; contexts that are not executions have none. */
export function cancelSignalOf(context: object): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context
		? (context as IExecuteFunctions).getExecutionCancelSignal()
		: undefined;
}

/** A pause that ends as soon as the execution is stopped, and then fails the item. */
export async function pauseUnlessStopped(this: IExecuteFunctions, ms: number, itemIndex: number): Promise<void> {
	const signal = this.getExecutionCancelSignal();
	try {
		await sleepWithAbort(ms, signal);
	} catch {
		throw new NodeOperationError(this.getNode(), 'The execution was stopped', { itemIndex });
	}
}
