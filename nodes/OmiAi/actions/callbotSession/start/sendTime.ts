import type { IExecuteFunctions } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { epochMsOfDateLike } from '../../../../omi/n8n';
import { epochMsInZone } from '../../../../omi/time';

function instantOf(sendAt: unknown, timeZone: string): number {
	if (typeof sendAt === 'string') return epochMsInZone(sendAt, timeZone);
	if (typeof sendAt === 'number') return sendAt;
	return epochMsOfDateLike(sendAt) ?? Number.NaN;
}

const shown = (value: unknown) => (typeof value === 'object' ? JSON.stringify(value) : String(value));

/**
 * Send At as OMI's `send_time`, in epoch ms: the date picker's text, or what
 * an expression gives, epoch milliseconds, a Luxon DateTime or a JS Date.
 */
export function epochMs(this: IExecuteFunctions, sendAt: unknown, itemIndex: number): number {
	const time = instantOf(sendAt, this.getTimezone());
	if (!Number.isFinite(time)) {
		throw new NodeOperationError(this.getNode(), `Send At "${shown(sendAt)}" is not a date and time`, {
			itemIndex,
			description:
				'Use an ISO date such as 2026-01-31T09:00:00+07:00, epoch milliseconds, a DateTime such as {{ $now.plus({ hours: 1 }) }}, or leave Send At empty to start now.',
		});
	}
	return time;
}
