import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { simplifyResult } from '../../helpers/simplify';
import type { WaitOptions } from '../../helpers/waitForResult';
import { WAIT_DEFAULTS, waitForResult } from '../../helpers/waitForResult';
import type { AlovoiceResponse } from '../../transport';
import { alovoiceApiRequest } from '../../transport';

/** Fetches the result of one item's call, waiting for it when asked, and shapes it as the user chose. */
export async function getResult(
	this: IExecuteFunctions,
	callId: string,
	itemIndex: number,
	waitUntilReady: boolean,
): Promise<IDataObject> {
	const response: AlovoiceResponse = waitUntilReady
		? await waitForResult.call(this, callId, itemIndex, this.getNodeParameter('waitOptions', itemIndex, {}) as WaitOptions)
		: await alovoiceApiRequest.call(this, 'callgetairesult', callId, itemIndex);
	if (!(this.getNodeParameter('simplify', itemIndex, true) as boolean)) return { callId, ...response.answer };
	return { callId, ...simplifyResult(response) };
}

/** How many items wait at the same time: set once for the node, in the first item's Wait Options. */
export function waitConcurrency(this: IExecuteFunctions): number {
	const { concurrency } = this.getNodeParameter('waitOptions', 0, {}) as WaitOptions;
	return concurrency ?? WAIT_DEFAULTS.concurrency;
}
