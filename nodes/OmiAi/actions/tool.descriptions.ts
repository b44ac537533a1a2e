import type { INodeProperties } from 'n8n-workflow';

import type { OmiAiMap } from '../node.type';

/** Where the results of Transcribe and Analyze Call go, told to the model with each tracking ID. */
export const ASYNC_RESULT_NOTE =
	'OMI works on the recording in the background: the result is not in this answer. It arrives in a few minutes at the webhook registered for the OMI account (the OMI AI Trigger workflow), under this tracking ID. Tell the user it was accepted and where the result will appear; do not wait for it or call the tool again.';

const DATE_FORMS =
	'Dates and times are ISO 8601, with an offset (2026-03-01T08:00:00+07:00, 2026-03-01T01:00:00Z) or without one (2026-03-01T08:00:00, 2026-03-01), which means the workflow time zone.';

/**
 * What an AI model reads about each operation when the node is one of its
 * tools: what it does, what it returns and when to use it. n8n would
 * otherwise send only the action ("Get many calls in OMI AI").
 */
const TOOL_DESCRIPTIONS: { [Resource in keyof OmiAiMap]: Record<OmiAiMap[Resource], string> } = {
	call: {
		get: "Get one phone call from the OMICall call history by its call ID (a UUID). Returns the call's direction, agent (name and extension), customer (name and phone), hotline, start, answer and end times (ISO 8601), talk seconds, disposition and recording URL. Use it when the user names a call ID, or to look again at a call a search found.",
		getMany: `Search the OMICall call history. Returns a list of calls, each with its call ID, direction (inbound, outbound or local), agent (name and extension), customer (name and phone), hotline, start and end times (ISO 8601), talk seconds, disposition and recording URL. Use it to answer questions about calls in a period, of an agent, of a customer phone or in one direction. ${DATE_FORMS}`,
	},
	callbotScript: {
		get: 'Get one callBot (automatic calling) script by its ID. Returns its name, its conversation flow and the variables it fills per contact. Use it to explain what a callBot campaign says.',
		getMany:
			'List the callBot (automatic calling) scripts of the OMI account. Returns each script with its ID, name and variables. Use it to find a script by name.',
	},
	callbotSession: {
		countCalls:
			'Count the calls a callBot campaign (session) has made, by the session ID (autocall_id), optionally only to some phone numbers. Returns the session ID and the count.',
		getAnalyzedLogs:
			"Get a callBot campaign's analysed conversation logs by the session ID (autocall_id). Returns what each contact said, with the intent and entities OMI recognised. Use it to answer what customers said or wanted in a campaign.",
		start: 'Start a callBot campaign: OMI phones each contact with a script. It places real phone calls; use it only when the user clearly asks to call someone.',
	},
	recording: {
		analyzeCall: `Send a call recording, given by its http(s) URL, to OMI for AI call analysis and QA scoring. Returns at once only a tracking ID. ${ASYNC_RESULT_NOTE} Use it when the user asks to analyse or score a call; a call's recording URL comes from the call history.`,
		transcribe: `Send a call recording, given by its http(s) URL, to OMI for speech-to-text. Returns at once only a tracking ID. ${ASYNC_RESULT_NOTE} Use it when the user asks for a call's transcript.`,
	},
	webhook: {
		register:
			'Register the URL where OMI posts transcription and call analysis results for the whole account, replacing the previous one. Use it only when the user asks to change where results go.',
	},
};

/**
 * The "Description" field n8n shows on a tool, prefilled per operation
 * ('@tool' shows it only when the node is an AI tool). n8n adds its own
 * field, defaulting to the action, when the node has none.
 */
export const toolDescriptionProperties: INodeProperties[] = Object.entries(TOOL_DESCRIPTIONS).flatMap(([resource, operations]) =>
	Object.entries(operations as Record<string, string>).map(([operation, text]) => ({
		displayName: 'Description',
		name: 'toolDescription',
		type: 'string' as const,
		typeOptions: { rows: 4 },
		default: text,
		required: true,
		description: 'What the AI model reads about this tool: what it does, what it returns and when to use it',
		displayOptions: { show: { '@tool': [true], resource: [resource], operation: [operation] } },
	})),
);
