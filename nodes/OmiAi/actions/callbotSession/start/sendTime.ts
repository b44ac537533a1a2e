import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { epochMsInZone } from '../../../helpers/time';

/** Send At as OMI's `send_time`, in epoch ms. */
export function epochMs(this: IExecuteFunctions, sendAt: string, itemIndex: number): number {
	const time = epochMsInZone(sendAt, this.getTimezone());
	if (Number.isNaN(time)) {
		throw new NodeOperationError(this.getNode(), `Send At "${sendAt}" is not a date and time`, {
			itemIndex,
			description: 'Use an ISO date such as 2026-01-31T09:00:00+07:00, or leave Send At empty to start now.',
		});
	}
	return time;
}
