import type {
	IDataObject,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IPollFunctions,
} from 'n8n-workflow';
import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';

import { callFilterFields, presentCall, searchFilterOf, simplifyProperty } from '../omi/callFilters';
import type { CallSearchFilter } from '../omi/callHistory';
import {
	callIdOf,
	callStartMs,
	isAnswered,
	latestTimeMs,
	recordingUrlOf,
	searchCalls,
	talkSecondsOf,
} from '../omi/callHistory';
import { asText } from '../shared/parameters';
import { epochMsInZone } from '../omi/time';
import { type CallCursor, advanceCursor, searchFrom } from './cursor';

interface CallCriteria {
	answeredOnly: boolean;
	withRecordingOnly: boolean;
	minTalkSeconds: number;
	search: CallSearchFilter;
}

const MINUTE_MS = 60_000;

/** How far back Fetch Test Event looks for the latest matching call, widening step by step. */
const TEST_EVENT_WINDOWS_HOURS = [1, 24, 24 * 7];

function inList(list: string[] | undefined, value: unknown): boolean {
	return list === undefined || list.includes(String(value ?? '').toLowerCase()) || list.includes(String(value ?? ''));
}

/**
 * OMI is asked for the directions, agents and hotlines; they are checked
 * again here, so that a filter OMI ignored cannot start workflows for calls
 * the user excluded.
 */
function matches(record: IDataObject, criteria: CallCriteria): boolean {
	const { search } = criteria;
	return (
		(!criteria.answeredOnly || isAnswered(record)) &&
		(!criteria.withRecordingOnly || recordingUrlOf(record) !== null) &&
		talkSecondsOf(record) >= criteria.minTalkSeconds &&
		inList(search.directions, record.direction) &&
		inList(search.sipUsers, record.sip_user) &&
		inList(search.sipNumbers, record.sip_number)
	);
}

function readCriteria(this: IPollFunctions): CallCriteria {
	return {
		answeredOnly: this.getNodeParameter('answeredOnly', true) as boolean,
		withRecordingOnly: this.getNodeParameter('withRecordingOnly', false) as boolean,
		minTalkSeconds: Number(this.getNodeParameter('minTalkSeconds', 0)) || 0,
		search: searchFilterOf(this.getNodeParameter('filters', {}) as IDataObject),
	};
}

function startFromMs(this: IPollFunctions, startFrom: string): number {
	const ms = epochMsInZone(startFrom, this.getTimezone());
	if (Number.isNaN(ms)) {
		throw new NodeOperationError(this.getNode(), `"${startFrom}" is not a date and time`, {
			description: 'Enter Emit Calls Since as a date and time, e.g. 2026-03-01T08:00:00, or leave it empty.',
		});
	}
	return ms;
}

const byStart = (a: IDataObject, b: IDataObject) => (callStartMs(a) ?? 0) - (callStartMs(b) ?? 0);

export class OmiCallTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OMICall Trigger',
		name: 'omiCallTrigger',
		icon: { light: 'file:../../icons/omi.svg', dark: 'file:../../icons/omi.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{ $parameter["answeredOnly"] ? "Answered calls" : "Finished calls" }}',
		description: "Starts the workflow for each call that finishes in OMICall, read from OMICall's call history",
		defaults: { name: 'OMICall Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omiCallApi', required: true }],
		properties: [
			{
				displayName: 'Only Answered Calls',
				name: 'answeredOnly',
				type: 'boolean',
				default: true,
				description: 'Whether to skip calls nobody answered',
			},
			{
				displayName: 'Only Calls With a Recording',
				name: 'withRecordingOnly',
				type: 'boolean',
				default: false,
				description:
					'Whether to wait until OMICall has attached the recording. A call whose recording never arrives within the Late Call Window is never emitted.',
			},
			{
				displayName: 'Minimum Talk Time (Seconds)',
				name: 'minTalkSeconds',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'Skip calls with less talk time than this',
			},
			{
				displayName: 'Filters',
				name: 'filters',
				type: 'collection',
				placeholder: 'Add Filter',
				default: {},
				options: callFilterFields,
			},
			simplifyProperty,
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add Option',
				default: {},
				options: [
					{
						displayName: 'Emit Calls Since',
						name: 'startFrom',
						type: 'dateTime',
						default: '',
						description:
							"When the workflow is activated, also emit the calls that started since this time (the workflow's time zone unless the value has an offset). Empty: only calls that appear after activation.",
					},
					{
						displayName: 'Late Call Window (Minutes)',
						name: 'lateWindowMinutes',
						type: 'number',
						typeOptions: { minValue: 1 },
						default: 60,
						description:
							'How long after its start a call can still appear in the call history, or get its recording, and be emitted. Each check reads this much of the history again.',
					},
				],
			},
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const criteria = readCriteria.call(this);
		const simplify = this.getNodeParameter('simplify', true) as boolean;
		const options = this.getNodeParameter('options', {}) as IDataObject;
		const lateWindowMs = Math.max(1, Number(options.lateWindowMinutes) || 60) * MINUTE_MS;
		const emit = (records: IDataObject[]) => [records.map((record) => ({ json: presentCall(record, simplify) }))];
		const now = Date.now();

		if (this.getMode() === 'manual') {
			for (const hours of TEST_EVENT_WINDOWS_HOURS) {
				const found = await searchCalls.call(this, { ...criteria.search, fromDate: now - hours * 3_600_000 });
				const matching = found.filter((record) => matches(record, criteria));
				if (matching.length > 0) return emit([matching.sort(byStart)[matching.length - 1]]);
			}
			throw new NodeOperationError(this.getNode(), 'No call of the last 7 days matches this trigger', {
				description: 'Make a test call, or loosen the filters (answered only, recording, talk time, agents, hotlines).',
			});
		}

		// Read whole, and written back whole once every page has arrived: a poll that fails half way leaves it as it was.
		const staticData = this.getWorkflowStaticData('node');
		const stored = staticData.cursor as CallCursor | undefined;
		const startFrom = asText(options.startFrom);
		let cursor: CallCursor;
		if (stored && stored.startFrom === startFrom) {
			cursor = { ...stored, handled: { ...stored.handled } };
		} else if (startFrom !== '') {
			const since = startFromMs.call(this, startFrom);
			// Calls already emitted stay handled, so moving the start back re-emits none of them.
			cursor = { since, checkedUntil: since, handled: { ...(stored?.handled ?? {}) }, startFrom };
		} else if (stored) {
			cursor = { ...stored, handled: { ...stored.handled }, startFrom };
		} else {
			// First activation: whatever the history holds now is the past; calls still to appear in the window are not.
			const since = now - lateWindowMs;
			const known = await searchCalls.call(this, { ...criteria.search, fromDate: since });
			staticData.cursor = advanceCursor(
				{ since, checkedUntil: now, handled: {}, startFrom },
				known.map((record) => ({ id: callIdOf(record), latestMs: latestTimeMs(record) ?? now })),
				now,
				lateWindowMs,
			);
			return null;
		}

		const found = await searchCalls.call(this, { ...criteria.search, fromDate: searchFrom(cursor, lateWindowMs) });
		const fresh = new Map<string, IDataObject>();
		for (const record of found) {
			const id = callIdOf(record);
			// A call can be on two pages when newer calls arrive while the pages are read.
			if (id === '' || fresh.has(id) || cursor.handled[id] !== undefined) continue;
			if ((callStartMs(record) ?? now) < cursor.since || !matches(record, criteria)) continue;
			fresh.set(id, record);
		}
		const calls = [...fresh.values()].sort(byStart);
		staticData.cursor = advanceCursor(
			cursor,
			calls.map((record) => ({ id: callIdOf(record), latestMs: latestTimeMs(record) ?? now })),
			now,
			lateWindowMs,
		);
		return calls.length > 0 ? emit(calls) : null;
	}
}
