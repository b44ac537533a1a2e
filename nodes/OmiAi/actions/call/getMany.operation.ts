import type { IDataObject, IExecuteFunctions, INodeExecutionData, INodeProperties } from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { mapItems } from '../../../shared/items';
import { asText } from '../../../shared/parameters';
import { epochMsInZone } from '../../../omi/time';
import { returnAllOrLimit } from '../common.descriptions';
import { callFilterFields, presentCall, searchFilterOf, simplifyProperty } from '../../../omi/callFilters';
import type { CallSearchFilter } from '../../../omi/callHistory';
import { searchCalls } from '../../../omi/callHistory';

const properties: INodeProperties[] = [
	...returnAllOrLimit,
	{
		displayName: 'Filters',
		name: 'filters',
		type: 'collection',
		placeholder: 'Add Filter',
		default: {},
		options: [
			...callFilterFields,
			{
				displayName: 'Customer Phones',
				name: 'phoneNumbers',
				type: 'string',
				default: '',
				placeholder: 'e.g. 0912345678',
				description: 'Only calls with these customer phone numbers, comma-separated',
			},
			{
				displayName: 'Started After',
				name: 'fromDate',
				type: 'dateTime',
				default: '',
				description:
					"Only calls that started at or after this time: ISO 8601, e.g. 2026-03-01T08:00:00+07:00, 2026-03-01T08:00:00 or 2026-03-01 (the workflow's time zone unless the value has an offset)",
			},
			{
				displayName: 'Started Before',
				name: 'toDate',
				type: 'dateTime',
				default: '',
				description:
					"Only calls that started at or before this time: ISO 8601, e.g. 2026-03-01T18:00:00+07:00, 2026-03-01T18:00:00 or 2026-03-01 (the workflow's time zone unless the value has an offset)",
			},
		],
	},
	simplifyProperty,
];

export const description = updateDisplayOptions({ show: { resource: ['call'], operation: ['getMany'] } }, properties);

function timeFilter(this: IExecuteFunctions, filters: IDataObject, field: 'fromDate' | 'toDate', itemIndex: number) {
	const value = asText(filters[field]);
	if (value === '') return undefined;
	const ms = epochMsInZone(value, this.getTimezone());
	if (Number.isNaN(ms)) {
		throw new NodeOperationError(this.getNode(), `"${value}" is not a date and time`, {
			itemIndex,
			description: `Enter ${field === 'fromDate' ? 'Started After' : 'Started Before'} as an ISO 8601 date and time, e.g. 2026-03-01T08:00:00+07:00, 2026-03-01T08:00:00 (the workflow's time zone) or 2026-03-01.`,
		});
	}
	return ms;
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	return await mapItems.call(this, items, async (itemIndex) => {
		const filters = this.getNodeParameter('filters', itemIndex, {}) as IDataObject;
		const filter: CallSearchFilter = {
			fromDate: timeFilter.call(this, filters, 'fromDate', itemIndex),
			toDate: timeFilter.call(this, filters, 'toDate', itemIndex),
			...searchFilterOf(filters),
		};
		const returnAll = this.getNodeParameter('returnAll', itemIndex) as boolean;
		const limit = returnAll ? undefined : (this.getNodeParameter('limit', itemIndex) as number);
		const calls = await searchCalls.call(this, filter, limit, itemIndex);
		const simplify = this.getNodeParameter('simplify', itemIndex) as boolean;
		return calls.map((call) => presentCall(call, simplify));
	});
}
