import type { INodeProperties } from 'n8n-workflow';
import { updateDisplayOptions } from 'n8n-workflow';

import { scriptLocator } from '../../common.descriptions';

const properties: INodeProperties[] = [
	scriptLocator,
	{
		displayName: 'Mode',
		name: 'mode',
		type: 'options',
		noDataExpression: true,
		options: [
			{
				name: 'One Session for All Items',
				value: 'allItems',
				description: 'Every input item is one contact of a single session',
			},
			{
				name: 'One Session per Item',
				value: 'eachItem',
				description: 'Each input item starts its own session with one contact',
			},
		],
		default: 'allItems',
	},
	{
		displayName: 'Voice',
		name: 'voice',
		type: 'options',
		options: [
			{ name: 'Anh Kiệt (Northern, Male)', value: 'northern_male_anhkiet' },
			{ name: 'Hồng Anh (Southern, Female)', value: 'southern_female_honganh' },
			{ name: 'Khả Ngân (Southern, Female)', value: 'southern_female_khangan' },
			{ name: 'Ngọc Anh (Northern, Female)', value: 'northern_female_ngocanh' },
			{ name: 'Tiến Huy (Southern, Male)', value: 'southern_male_tienhuy' },
		],
		default: 'northern_female_ngocanh',
		description: 'The voice the bot speaks with',
	},
	{
		displayName: 'Speed',
		name: 'speed',
		type: 'number',
		typeOptions: { minValue: -3, maxValue: 3, numberPrecision: 0 },
		default: 0,
		description: 'How fast the bot reads, from -3 (slowest) to 3 (fastest)',
	},
	{
		displayName: 'Calling Number',
		name: 'callingNumber',
		type: 'string',
		default: '',
		placeholder: 'e.g. 02873001234',
		description: 'The hotline or SIP number the calls come from. Leave empty to prefer internal calls.',
	},
	{
		displayName: 'Session Name',
		name: 'sessionName',
		type: 'string',
		default: '',
		description: 'The name of the session in the OMI web app',
	},
	{
		displayName: 'Phone',
		name: 'phone',
		type: 'string',
		// Empty rather than {{ $json.phone }}: the editor evaluates every parameter to load the Script
		// Variables, and an expression over an input that has not run yet stops that load.
		default: '',
		placeholder: "Empty: the item's phone field",
		description:
			"The number to call. Leave empty to use the input item's <code>phone</code> field. +84 and 84 become 0; spaces, dots, dashes and parentheses are removed.",
	},
	{
		displayName: 'Email',
		name: 'email',
		type: 'string',
		placeholder: 'name@email.com',
		default: '',
		description: "The contact's email address",
	},
	{
		displayName: 'External Contact Code',
		name: 'externalContactCode',
		type: 'string',
		default: '',
		description: "The contact's ID in your own system, e.g. a CRM ID",
	},
	{
		displayName: "Choose a script above: its variables, such as the customer's name, then appear here to fill for each contact.",
		name: 'variablesNotice',
		type: 'notice',
		default: '',
		displayOptions: { show: { scriptId: [''] } },
	},
	{
		displayName: 'Script Variables',
		name: 'variables',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		description: "Values for the script's variables, such as the customer's name, for each contact",
		// Shown once a script is chosen, so that n8n's editor loads the variables as it shows the
		// mapper: when any parameter holds an expression it cannot resolve yet (one over an input
		// that has not run), the editor does not reload a shown mapper when the script changes
		// (docs/omi-ai.md, Callbot Session).
		displayOptions: { hide: { scriptId: [''] } },
		typeOptions: {
			loadOptionsDependsOn: ['scriptId.value'],
			resourceMapper: {
				resourceMapperMethod: 'getScriptVariables',
				mode: 'add',
				valuesLabel: 'Script Variables',
				fieldWords: { singular: 'variable', plural: 'variables' },
				addAllFields: true,
				multiKeyMatch: false,
				// n8n's mode switch speaks of database columns ("Mapping Column Mode").
				supportAutoMap: false,
				// A script without variables is not an error: getScriptVariables says so calmly.
				hideNoDataError: true,
			},
		},
	},
	{
		displayName: 'Options',
		name: 'options',
		type: 'collection',
		placeholder: 'Add option',
		default: {},
		options: [
			{
				displayName: 'Calls Per Batch',
				name: 'callsPerBatch',
				type: 'number',
				typeOptions: { minValue: 1 },
				default: 15,
				description: 'How many calls OMI places at the same time',
			},
			{
				displayName: 'Delay Between Batches (Seconds)',
				name: 'delayBetweenBatches',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 30,
			},
			{
				displayName: 'Delay Between Retries (Seconds)',
				name: 'delayBetweenRetries',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
			},
			{
				displayName: 'External Session ID',
				name: 'externalSessionId',
				type: 'string',
				default: '',
				description:
					'Your own ID for the session. OMI refuses a second session with the same ID, so a retried execution cannot start the campaign twice. Default: derived from the execution and the node (and the item, in One Session per Item mode).',
			},
			{
				displayName: 'Retries',
				name: 'retries',
				type: 'number',
				typeOptions: { minValue: 0 },
				default: 0,
				description: 'How many times OMI calls again when a contact does not answer',
			},
			{
				displayName: 'Send At',
				name: 'sendAt',
				type: 'dateTime',
				default: '',
				description:
					"When the calls start, in the workflow's time zone unless the value has its own offset. Leave empty to start now.",
			},
		],
	},
];

export const description = updateDisplayOptions(
	{ show: { resource: ['callbotSession'], operation: ['start'] } },
	properties,
);
