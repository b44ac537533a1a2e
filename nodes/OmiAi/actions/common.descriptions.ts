import type { INodeProperties } from 'n8n-workflow';

/** The callBot script picker, shared by every operation that needs a script. */
export const scriptLocator: INodeProperties = {
	displayName: 'Script',
	name: 'scriptId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	required: true,
	description: 'The callBot script. Scripts are created in the OMI web app.',
	modes: [
		{
			displayName: 'From List',
			name: 'list',
			type: 'list',
			typeOptions: { searchListMethod: 'searchScripts', searchable: true },
		},
		{
			displayName: 'By ID',
			name: 'id',
			type: 'string',
			placeholder: 'e.g. 65f1c2a9e4b0a1b2c3d4e5f6',
			validation: [
				{
					type: 'regex',
					properties: { regex: '^\\S+$', errorMessage: 'A script ID has no spaces' },
				},
			],
		},
	],
};

/** Return All, or a Limit: for every operation that lists things. */
export const returnAllOrLimit: INodeProperties[] = [
	{
		displayName: 'Return All',
		name: 'returnAll',
		type: 'boolean',
		default: false,
		description: 'Whether to return all results or only up to a given limit',
	},
	{
		displayName: 'Limit',
		name: 'limit',
		type: 'number',
		typeOptions: { minValue: 1 },
		default: 50,
		description: 'Max number of results to return',
		displayOptions: { show: { returnAll: [false] } },
	},
];
