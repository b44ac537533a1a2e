import type { IDataObject } from 'n8n-workflow';

import type { OmiContext } from './transport';
import { omiApiRequest } from './transport';

/**
 * Points the OMI account's AI results at `url` (docs/omi-api.md §2.1). OMI
 * keeps one URL per account, so this replaces the previous one, and doing it
 * twice is harmless.
 */
export async function registerResultWebhook(this: OmiContext, url: string, itemIndex?: number): Promise<void> {
	await omiApiRequest.call(this, {
		method: 'POST',
		path: '/api/ai/register_webhook_ai',
		// OMI documents only "200 OK" for this endpoint, with no body.
		emptyAnswerIsSuccess: true,
		body: { url } as IDataObject,
		itemIndex,
	});
}
