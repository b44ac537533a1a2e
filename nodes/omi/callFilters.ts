import type { IDataObject, INodeProperties } from 'n8n-workflow';

import type { CallDirection, CallSearchFilter } from './callHistory';
import { simplifyCall } from './callHistory';

export const simplifyProperty: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		"Whether to return the call's main fields under clear names (agent, customer, times as ISO dates, recording URL) instead of OMICall's raw record",
};

/** A call as the user asked for it: simplified, or OMI's record untouched. */
export const presentCall = (record: IDataObject, simplify: boolean): IDataObject =>
	simplify ? simplifyCall(record) : record;

/** A list parameter: comma-separated text, or an array from an expression. */
export function listOf(value: unknown): string[] {
	const entries = Array.isArray(value) ? value : typeof value === 'string' || typeof value === 'number' ? String(value).split(',') : [];
	return entries.map((entry) => String(entry).trim()).filter((entry) => entry !== '');
}

const directionOptions = [
	{ name: 'Inbound', value: 'inbound' },
	{ name: 'Internal', value: 'local', description: 'Between two extensions of the account' },
	{ name: 'Outbound', value: 'outbound' },
];

/** The filters the call-history search and the OMICall Trigger share. */
export const callFilterFields: INodeProperties[] = [
	{
		displayName: 'Agent Extensions',
		name: 'sipUsers',
		type: 'string',
		default: '',
		placeholder: 'e.g. 101, 102',
		description: "Only calls of these agents, by their OMICall extension (SIP user), comma-separated",
	},
	{
		displayName: 'Directions',
		name: 'directions',
		type: 'multiOptions',
		options: directionOptions,
		default: [],
		description: 'Only calls in these directions. None selected means all.',
	},
	{
		displayName: 'Hotlines',
		name: 'sipNumbers',
		type: 'string',
		default: '',
		placeholder: 'e.g. 02873001234',
		description: 'Only calls on these hotlines (SIP numbers), comma-separated',
	},
];

/** The server-side part of a filters collection, in OMI's terms. */
export function searchFilterOf(filters: IDataObject): CallSearchFilter {
	const filter: CallSearchFilter = {};
	const directions = listOf(filters.directions) as CallDirection[];
	if (directions.length > 0) filter.directions = directions;
	for (const field of ['sipUsers', 'sipNumbers', 'phoneNumbers'] as const) {
		const values = listOf(filters[field]);
		if (values.length > 0) filter[field] = values;
	}
	return filter;
}

