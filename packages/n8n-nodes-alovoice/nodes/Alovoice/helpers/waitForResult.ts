import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { pauseUnlessStopped } from '../../shared/n8n';

import type { AlovoiceResponse } from '../transport';
import { alovoiceApiRequest } from '../transport';
import { isReady } from './simplify';

export interface WaitOptions {
	concurrency?: number;
	pollIntervalSeconds?: number;
	backoffFactor?: number;
	maxWaitSeconds?: number;
}

export const WAIT_DEFAULTS = { concurrency: 5, pollIntervalSeconds: 10, backoffFactor: 1.5, maxWaitSeconds: 600 } as const;

/**
 * Alovoice has no callback, so the result is polled: first at once, then
 * after the interval, each pause longer by the backoff factor, until the
 * answer holds a transcript or the maximum wait is used up. Stopping the
 * execution ends the wait at once.
 */
export async function waitForResult(
	this: IExecuteFunctions,
	callId: string,
	itemIndex: number,
	options: WaitOptions,
): Promise<AlovoiceResponse> {
	const { pollIntervalSeconds, backoffFactor, maxWaitSeconds } = { ...WAIT_DEFAULTS, ...options };
	const deadline = Date.now() + maxWaitSeconds * 1000;
	// The panel refuses less than 0.01 s; an expression is held to the same floor.
	let pauseMs = Math.max(10, pollIntervalSeconds * 1000);
	let polls = 0;
	for (;;) {
		const response = await alovoiceApiRequest.call(this, 'callgetairesult', callId, itemIndex);
		polls++;
		if (isReady(response.answer)) return response;
		const remainingMs = deadline - Date.now();
		if (remainingMs <= 0) {
			throw new NodeOperationError(
				this.getNode(),
				`The Alovoice analysis of call "${callId}" was not ready after ${maxWaitSeconds} seconds`,
				{
					itemIndex,
					description: `Asked ${polls} times. Long calls take longer to analyze: raise "Max Wait", or get the result later with Get Result.`,
				},
			);
		}
		await pauseUnlessStopped.call(this, Math.min(pauseMs, remainingMs), itemIndex);
		pauseMs *= Math.max(1, backoffFactor);
	}
}
