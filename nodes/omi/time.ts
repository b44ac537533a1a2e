/** An explicit offset or Z at the end of an ISO date and time. */
const HAS_OFFSET = /T[\d:.]+(?:[zZ]|[+-]\d{2}(?::?\d{2})?)$/;

/** How far ahead of UTC the zone's wall clock is at `epochMs`, in ms. */
function zoneOffsetMs(epochMs: number, timeZone: string): number {
	const parts = new Intl.DateTimeFormat('en-US', {
		timeZone,
		hourCycle: 'h23',
		year: 'numeric',
		month: 'numeric',
		day: 'numeric',
		hour: 'numeric',
		minute: 'numeric',
		second: 'numeric',
	}).formatToParts(new Date(epochMs));
	const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((entry) => entry.type === type)?.value);
	const wallClockAsUtc = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
	return wallClockAsUtc - (epochMs - (((epochMs % 1000) + 1000) % 1000));
}

/**
 * Epoch ms of a date and time the user typed. n8n's date picker gives a wall
 * clock time without an offset, which means the workflow's time zone, not
 * the server's; a value with an offset (from an expression, say) is exact.
 * NaN when the text is not a date.
 */
export function epochMsInZone(text: string, timeZone: string): number {
	// "2026-03-01 08:00:00", as models and spreadsheets write it, is the ISO form with a space for the T.
	const trimmed = text.trim().replace(/^(\d{4}-\d{2}-\d{2}) +(?=\d)/, '$1T');
	if (HAS_OFFSET.test(trimmed)) return new Date(trimmed).getTime();
	const wallClock = /^\d{4}-\d{2}-\d{2}$/.test(trimmed) ? `${trimmed}T00:00:00` : trimmed;
	const asUtc = new Date(`${wallClock}Z`).getTime();
	if (Number.isNaN(asUtc)) return Number.NaN;
	// The offset at the guessed instant can differ from the one at the wall-clock time across a DST change.
	const firstGuess = asUtc - zoneOffsetMs(asUtc, timeZone);
	return asUtc - zoneOffsetMs(firstGuess, timeZone);
}
