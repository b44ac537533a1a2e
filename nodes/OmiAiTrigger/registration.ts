import type { IHookFunctions, IWebhookFunctions } from 'n8n-workflow';

import { registerResultWebhook } from '../omi/aiWebhook';
import { trustedTokenMatching } from '../omi/n8n';
import { OMI_CREDENTIAL_TYPE } from '../omi/transport';
import { deliveryScope } from './delivery';
import { deriveWebhookToken, tokensMatch, withToken } from './security';

export const WEBHOOK_NAME = 'default';

/** The token this node's URL must carry; undefined while the credential has no API key. */
export async function expectedToken(this: IHookFunctions | IWebhookFunctions): Promise<string | undefined> {
	const credentials = await this.getCredentials(OMI_CREDENTIAL_TYPE);
	return deriveWebhookToken(String(credentials.apiKey ?? ''), this.getWorkflow().id ?? '', this.getNode().id);
}

/** Whether a delivery carries this node's token; the matched token, to keep it out of the output. */
export async function presentsToken(this: IWebhookFunctions, presented: unknown): Promise<string | undefined> {
	// No token at all is refused without the cost of deriving one.
	if (typeof presented !== 'string' || presented === '') return undefined;
	return await trustedTokenMatching(deliveryScope(this), presented, async () => await expectedToken.call(this), tokensMatch);
}

/** Registering replaces whatever URL the OMI account had, so doing it twice is harmless. */
export async function registerWithOmi(this: IHookFunctions, url: string): Promise<void> {
	const token = await expectedToken.call(this);
	// Without a key there is no token; OMI then refuses the registration with its own "API key is required".
	await registerResultWebhook.call(this, token === undefined ? url : withToken(url, token));
}
