import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError, sleep } from 'n8n-workflow';

/** The signal n8n raises when the execution is stopped; contexts that are not executions have none. */
export function cancelSignalOf(context: object): AbortSignal | undefined {
	return 'getExecutionCancelSignal' in context
		? (context as IExecuteFunctions).getExecutionCancelSignal()
		: undefined;
}

/** Pauses are slept in pieces, so that a pause cut short by Stop leaves no long timer behind. */
const PAUSE_PIECE_MS = 1000;

/**
 * A pause that ends as soon as the execution is stopped, and then fails the
 * item. n8n 2.x's n8n-workflow has no sleepWithAbort, so its `sleep` races
 * the execution's cancel signal.
 */
export async function pauseUnlessStopped(this: IExecuteFunctions, ms: number, itemIndex: number): Promise<void> {
	const signal = this.getExecutionCancelSignal();
	let onAbort = () => {};
	const aborted = new Promise<void>((resolve) => (onAbort = resolve));
	signal?.addEventListener('abort', onAbort, { once: true });
	try {
		for (let left = ms; left > 0 && !signal?.aborted; left -= PAUSE_PIECE_MS) {
			await Promise.race([sleep(Math.min(PAUSE_PIECE_MS, left)), aborted]);
		}
	} finally {
		signal?.removeEventListener('abort', onAbort);
	}
	if (signal?.aborted) throw new NodeOperationError(this.getNode(), 'The execution was stopped', { itemIndex });
}
