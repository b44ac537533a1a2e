import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeProperties,
	IPairedItemData,
	ResourceMapperValue,
} from 'n8n-workflow';
import { NodeOperationError, updateDisplayOptions } from 'n8n-workflow';

import { attachItemIndex, errorItem, mapItems } from '../../helpers/items';
import { epochMsInZone } from '../../helpers/time';
import { ItemParameters } from '../../helpers/itemParameters';
import { asText, textParameter } from '../../helpers/parameters';
import { omiApiRequest } from '../../transport';
import { scriptLocator } from '../common.descriptions';
import { parsePhone } from './phone';

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
		default: '={{ $json.phone }}',
		description:
			'The number to call, from the input item. +84 and 84 become 0; spaces, dots, dashes and parentheses are removed.',
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
		displayName: 'Script Variables',
		name: 'variables',
		type: 'resourceMapper',
		noDataExpression: true,
		default: { mappingMode: 'defineBelow', value: null },
		description: "Values for the script's variables, such as the customer's name, for each contact",
		typeOptions: {
			loadOptionsDependsOn: ['scriptId.value'],
			resourceMapper: {
				resourceMapperMethod: 'getScriptVariables',
				mode: 'add',
				fieldWords: { singular: 'variable', plural: 'variables' },
				addAllFields: true,
				multiKeyMatch: false,
				supportAutoMap: true,
				noFieldsError: 'The script has no variables',
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

/** Where each option goes in OMI's body (shared/omi-api.md §3.1). */
const OPTION_FIELDS = {
	retries: 'num_retry',
	callsPerBatch: 'num_per_call',
	delayBetweenBatches: 'distance_per_call',
	delayBetweenRetries: 'distance_retry',
} as const;

interface StartOptions extends Partial<Record<keyof typeof OPTION_FIELDS, number>> {
	externalSessionId?: string;
	sendAt?: string;
}

interface Contact {
	itemIndex: number;
	info: IDataObject;
}

interface PhoneError extends IDataObject {
	phone: string;
	error_code: string;
	message: string;
}

interface StartedSession {
	bot_script_id: string;
	autocall_id: string;
	errors?: PhoneError[];
}

function scriptVariables(
	this: IExecuteFunctions,
	parameters: ItemParameters,
	item: INodeExecutionData,
	itemIndex: number,
): IDataObject {
	const mapper = parameters.raw('variables') as ResourceMapperValue | undefined;
	let source: IDataObject;
	if (!mapper) source = {};
	else if (mapper.mappingMode === 'autoMapInputData') {
		source = Object.fromEntries(
			(mapper.schema ?? []).filter((field) => !field.removed).map((field) => [field.id, item.json[field.id]]),
		);
	} else if (mapper.value === null || mapper.value === undefined) {
		source = {};
	} else {
		source =
			parameters.fields('variables', 'value', item) ??
			((this.getNodeParameter('variables', itemIndex, null) as ResourceMapperValue | null)?.value ?? {});
	}
	const variables: IDataObject = {};
	for (const [fieldCode, value] of Object.entries(source)) {
		// Every OMI variable is text the bot reads out; an unset one is left to the script.
		if (value !== null && value !== undefined && value !== '') variables[fieldCode] = String(value);
	}
	return variables;
}

function readContact(
	this: IExecuteFunctions,
	parameters: ItemParameters,
	item: INodeExecutionData,
	itemIndex: number,
): Contact {
	const info: IDataObject = { phone: parsePhone(parameters.node, parameters.value('phone', item, itemIndex)) };
	const email = asText(parameters.value('email', item, itemIndex));
	if (email) info.email = email;
	const externalCode = asText(parameters.value('externalContactCode', item, itemIndex));
	if (externalCode) info.ext_contact_code = externalCode;
	info.mapping_variables = scriptVariables.call(this, parameters, item, itemIndex);
	return { itemIndex, info };
}

function epochMs(this: IExecuteFunctions, sendAt: string, itemIndex: number): number {
	const time = epochMsInZone(sendAt, this.getTimezone());
	if (Number.isNaN(time)) {
		throw new NodeOperationError(this.getNode(), `Send At "${sendAt}" is not a date and time`, {
			itemIndex,
			description: 'Use an ISO date such as 2026-01-31T09:00:00+07:00, or leave Send At empty to start now.',
		});
	}
	return time;
}

/** Which input item each rejected phone came from; a phone listed twice is claimed in order. */
function linkErrorsToItems(errors: PhoneError[], contacts: Contact[]): IDataObject[] {
	const unclaimed = [...contacts];
	return errors.map((error) => {
		const position = unclaimed.findIndex((contact) => contact.info.phone === error.phone);
		const [contact] = position === -1 ? [] : unclaimed.splice(position, 1);
		return { ...error, itemIndex: contact?.itemIndex ?? null };
	});
}

/**
 * Starts one session with the given contacts; the session's settings come
 * from `settingsIndex`, the item whose parameters describe the session.
 */
async function startSession(
	this: IExecuteFunctions,
	contacts: Contact[],
	settingsIndex: number,
	defaultExternalSessionId: string,
): Promise<IDataObject> {
	const options = this.getNodeParameter('options', settingsIndex, {}) as StartOptions;
	const callingNumber = textParameter.call(this, 'callingNumber', settingsIndex);
	const sessionName = textParameter.call(this, 'sessionName', settingsIndex);
	const externalSessionId = options.externalSessionId?.trim() || defaultExternalSessionId;

	const body: IDataObject = {
		contact_info: contacts.map((contact) => contact.info),
		bot_script_id: this.getNodeParameter('scriptId', settingsIndex, '', { extractValue: true }) as string,
		voice: this.getNodeParameter('voice', settingsIndex) as string,
		speed: this.getNodeParameter('speed', settingsIndex) as number,
		ext_session_id: externalSessionId,
	};
	if (sessionName) body.name = sessionName;
	if (callingNumber) body.cid = callingNumber;
	for (const [option, field] of Object.entries(OPTION_FIELDS)) {
		const value = options[option as keyof typeof OPTION_FIELDS];
		if (value !== undefined) body[field] = value;
	}
	if (options.sendAt) body.send_time = epochMs.call(this, options.sendAt, settingsIndex);

	const session = (await omiApiRequest.call(this, {
		method: 'POST',
		api: 'callbot',
		path: '/api/call_bot/execute_by_phone',
		// OMI documents cid both in the query (empty for internal calls) and in the body.
		qs: { cid: callingNumber },
		body,
		errorMessages: {
			ext_session_id_existed: {
				message: `This campaign was already started: OMI already has a session with External Session ID "${externalSessionId}"`,
				description:
					'Nothing was started again, so no contact is called twice. To start a new session on purpose, set Options › External Session ID to a new value.',
			},
		},
	})) as StartedSession;
	return {
		autocall_id: session.autocall_id,
		bot_script_id: session.bot_script_id,
		ext_session_id: externalSessionId,
		contactsSent: contacts.length,
		errors: linkErrorsToItems(session.errors ?? [], contacts),
	};
}

/** The items a session stood for, to name in its error: all of them when few, else the first, the last and how many. */
function sessionItemsLabel(contacts: Contact[]): string {
	const indexes = contacts.map((contact) => contact.itemIndex);
	if (indexes.length === 1) return `item ${indexes[0]}`;
	if (indexes.length <= 5) return `items ${indexes.join(', ')}`;
	return `items ${indexes[0]} to ${indexes[indexes.length - 1]}, ${indexes.length} in all`;
}

async function startOneSessionForAllItems(
	this: IExecuteFunctions,
	items: INodeExecutionData[],
	defaultExternalSessionId: string,
): Promise<INodeExecutionData[]> {
	const parameters = new ItemParameters(this);
	const contacts: Contact[] = [];
	const rejected: INodeExecutionData[] = [];
	for (const [itemIndex, item] of items.entries()) {
		try {
			contacts.push(readContact.call(this, parameters, item, itemIndex));
		} catch (error) {
			const nodeError = attachItemIndex.call(this, error, itemIndex);
			if (!this.continueOnFail()) throw nodeError;
			rejected.push(errorItem(nodeError, itemIndex));
		}
	}
	// Every item was rejected, and each error item already says why.
	if (contacts.length === 0 && rejected.length > 0) return rejected;
	if (contacts.length === 0) {
		throw new NodeOperationError(this.getNode(), 'There are no contacts to call', {
			description: 'The node received no input items. Each input item is one contact of the session.',
		});
	}

	// The session's one output item stands for every contact in it.
	const pairedItem: IPairedItemData[] = contacts.map((contact) => ({ item: contact.itemIndex }));
	const settingsIndex = contacts[0].itemIndex;
	const start = async () => {
		try {
			return { json: await startSession.call(this, contacts, settingsIndex, defaultExternalSessionId), pairedItem };
		} catch (error) {
			throw attachItemIndex.call(this, error, settingsIndex, sessionItemsLabel(contacts));
		}
	};
	if (!this.continueOnFail()) return [await start()];
	try {
		return [await start(), ...rejected];
	} catch (error) {
		return [{ ...errorItem(error as Error, settingsIndex), pairedItem }, ...rejected];
	}
}

export async function execute(this: IExecuteFunctions, items: INodeExecutionData[]) {
	// Stable across a retried execution, unlike a random ID, which is what makes the double-submit guard work.
	const defaultExternalSessionId = `n8n-${this.getExecutionId()}-${this.getNode().name}`;
	if (this.getNodeParameter('mode', 0) === 'allItems') {
		return await startOneSessionForAllItems.call(this, items, defaultExternalSessionId);
	}
	const parameters = new ItemParameters(this);
	return await mapItems.call(this, items, async (itemIndex) => {
		const contact = readContact.call(this, parameters, items[itemIndex], itemIndex);
		return await startSession.call(this, [contact], itemIndex, `${defaultExternalSessionId}-${itemIndex}`);
	});
}
