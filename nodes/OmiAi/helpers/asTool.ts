import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { isItemFailure } from '../../shared/items';

/**
 * A failure as the model's answer: the reason and what to do. n8n 1.x ends
 * the whole execution when a tool throws, and 2.x passes the model little
 * more than the message, so under an agent the node answers instead of
 * throwing. The texts are the user's error texts, already free of secrets.
 */
export function toolFailureAnswer(error: unknown): INodeExecutionData[] {
	const json: IDataObject = isItemFailure(error)
		? { error: error.message.replace(/ \[items? [^\]]*\]$/, ''), whatToDo: error.description ?? null }
		: { error: error instanceof Error ? error.message : String(error), whatToDo: null };
	return [{ json, pairedItem: { item: 0 } }];
}
