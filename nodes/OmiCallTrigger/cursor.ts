/**
 * Where the OMICall Trigger is in the call history, kept in the workflow's
 * static data. Calls can appear in the history late (docs/omicall-call-history.md,
 * "Late calls"), so each poll searches again from `lateWindowMs` before the
 * last poll, and the IDs of the calls already handled inside that window
 * keep a call from being emitted twice.
 */
export interface CallCursor {
	/** Epoch ms: calls that started earlier are never emitted. */
	since: number;
	/** Epoch ms of the last poll whose calls were all handled. */
	checkedUntil: number;
	/** Call ID → latest time (epoch ms) of every call emitted, or known at activation, that a search can still return. */
	handled: Record<string, number>;
	/** The "Emit Calls Since" setting the cursor was made from; a new setting moves `since`. */
	startFrom: string;
}

/** Where the next search starts. */
export const searchFrom = (cursor: CallCursor, lateWindowMs: number): number =>
	Math.max(cursor.since, cursor.checkedUntil - lateWindowMs);

/**
 * The cursor after a poll at `now` that handled `calls`: the IDs a later
 * search can no longer return are dropped, so the cursor stays as small as
 * the window.
 */
export function advanceCursor(
	cursor: CallCursor,
	calls: Array<{ id: string; latestMs: number }>,
	now: number,
	lateWindowMs: number,
): CallCursor {
	const next: CallCursor = { ...cursor, checkedUntil: Math.max(cursor.checkedUntil, now), handled: {} };
	const oldest = searchFrom(next, lateWindowMs);
	for (const [id, latestMs] of Object.entries(cursor.handled)) if (latestMs >= oldest) next.handled[id] = latestMs;
	for (const { id, latestMs } of calls) if (latestMs >= oldest) next.handled[id] = latestMs;
	return next;
}
