import type { IExecuteFunctions, INodeExecutionData, IPairedItemData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { attachItemIndex, errorItem, mapItems } from '../../../shared/items';
import { ItemParameters } from '../../helpers/itemParameters';
import type { Contact } from './start/contacts';
import { readContact } from './start/contacts';
import { sessionItemsLabel } from './start/errorLinking';
import { startSession } from './start/session';

export { description } from './start/description';

async function startOneSessionForAllItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	defaultExternalSessionId: string,
): Promise<INodeExecutionData[]> {
	const parameters = new ItemParameters(this);
	const contacts: Contact[] = [];
	const rejected: INodeExecutionData[] = [];
	for (const [itemIndex, item] of items.entries()) {
		try {
			contacts.push(readContact.call(this, parameters, item, itemIndex));
		} catch (error) {
			const nodeError = attachItemIndex.call(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			rejected.push(errorItem(nodeError, itemIndex));
		}
	}
	// Every item was rejected, and each error item already says why.
	if (contacts.length === 0 && rejected.length > 0) return rejected;
	if (contacts.length === 0) {
		throw new NodeOperationError(this.getNode(), 'There are no contacts to call', {
			description: 'The node received no input items. Each input item is one contact of the session.',
		});
	}

	// The session's one output item stands for every contact in it.
	const pairedItem: IPairedItemData[] = contacts.map((contact) => ({ item: contact.itemIndex }));
	const settingsIndex = contacts[0].itemIndex;
	const start = async () => {
		try {
			return { json: await startSession.call(this, contacts, settingsIndex, defaultExternalSessionId), pairedItem };
		} catch (error) {
			throw attachItemIndex.call(this, error, settingsIndex, sessionItemsLabel(contacts));
		}
	};
	if (!this.continueOnFail()) return [await start()];
	try {
		return [await start(), ...rejected];
	} catch (error) {
		return [{ ...errorItem(error as Error, settingsIndex), pairedItem }, ...rejected];
	}
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	// Stable when n8n retries this run (Retry On Fail) or the execution, unlike a random ID, which is what makes
	// the double-submit guard work; each later run of the node in the execution (a loop's next batch) is its own.
	const runIndex = this.getWorkflowDataProxy(0).$runIndex as number;
	const defaultExternalSessionId = `n8n-${this.getExecutionId()}-${this.getNode().name}${runIndex > 0 ? `-run${runIndex}` : ''}`;
	if (this.getNodeParameter('mode', 0) === 'allItems') {
		return await startOneSessionForAllItems.call(this, items, defaultExternalSessionId);
	}
	const parameters = new ItemParameters(this);
	return await mapItems.call(this, items, async (itemIndex) => {
		const contact = readContact.call(this, parameters, items[itemIndex], itemIndex);
		return await startSession.call(this, [contact], itemIndex, `${defaultExternalSessionId}-${itemIndex}`);
	});
}
