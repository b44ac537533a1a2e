/**
 * The workflows the bench runs, side by side: ours, and what a user would
 * build by hand from n8n's own nodes (HTTP Request, Webhook). Every action
 * workflow starts with a Webhook node that answers once the last node has
 * run, so one POST runs it and its execution holds each node's time.
 */

import { randomUUID } from 'node:crypto';

import type { WorkflowJson, WorkflowNode } from '../../e2e/harness/workflows';

export const OMI_AI = 'n8n-nodes-omicall.omiAi';
export const OMI_AI_TRIGGER = 'n8n-nodes-omicall.omiAiTrigger';
/** The sandbox's script with the variables customer_name, debt_amount, due_date, xung_ho. */
export const SCRIPT_ID = '66f1a2b3c4d5e6f708192a3b';

type Credential = { id: string; name: string };

function n8nNode(name: string, type: string, typeVersion: number, parameters: Record<string, unknown>): WorkflowNode {
	return { id: randomUUID(), name, type, typeVersion, position: [0, 0], parameters };
}

/** Each node feeds the next. */
function pipeline(name: string, ...nodes: WorkflowNode[]): WorkflowJson {
	const connections: WorkflowJson['connections'] = {};
	nodes.forEach((entry, index) => {
		entry.position = [index * 240, 0];
		const next = nodes[index + 1];
		if (next) connections[entry.name] = { main: [[{ node: next.name, type: 'main', index: 0 }]] };
	});
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** POST /webhook/<path>, answered with the last node's items (or at once, for intake). */
function webhook(path: string, responseMode: 'lastNode' | 'onReceived'): WorkflowNode {
	const parameters: Record<string, unknown> = { httpMethod: 'POST', path, responseMode, options: {} };
	if (responseMode === 'lastNode') parameters.responseData = 'allEntries';
	return { ...n8nNode('Webhook', 'n8n-nodes-base.webhook', 2, parameters), webhookId: randomUUID() };
}

export const READ_NODE = 'Read recordings';

/** n8n's Read/Write Files from Disk: body.path (a file or a glob) into the binary store, one item per file. */
const readFiles = () =>
	n8nNode(READ_NODE, 'n8n-nodes-base.readWriteFile', 1, {
		operation: 'read',
		fileSelector: '={{ $json.body.path }}',
		options: {},
	});

/** Every upload gets its own tracking id: the request's prefix and the item index. */
const TRACKING_ID = "={{ $('Webhook').first().json.body.trackingId + '-' + $itemIndex }}";

export const UPLOAD_NODE = 'Upload';

/** Read the recordings, then our Transcribe. */
export function oursUpload(path: string, credential: Credential, concurrency?: number): WorkflowJson {
	const transcribe = n8nNode(UPLOAD_NODE, OMI_AI, 1, {
		resource: 'recording',
		operation: 'transcribe',
		source: 'binary',
		binaryPropertyName: 'data',
		trackingId: TRACKING_ID,
		options: concurrency === undefined ? {} : { concurrency },
	});
	transcribe.credentials = { omiCallApi: credential };
	return pipeline(`bench: ${path}`, webhook(path, 'lastNode'), readFiles(), transcribe);
}

/**
 * Read the recordings, then n8n's HTTP Request node posting each as multipart,
 * the way a user would call OMI without our node. `batchSize` sets n8n's
 * batching option (items per batch, with the smallest interval, 1 ms).
 */
export function httpRequestUpload(path: string, uploadUrl: string, apiKey: string, batchSize?: number): WorkflowJson {
	const options = batchSize === undefined ? {} : { batching: { batch: { batchSize, batchInterval: 1 } } };
	const request = n8nNode(UPLOAD_NODE, 'n8n-nodes-base.httpRequest', 4.2, {
		method: 'POST',
		url: uploadUrl,
		sendHeaders: true,
		headerParameters: { parameters: [{ name: 'apiKey', value: apiKey }] },
		sendBody: true,
		contentType: 'multipart-form-data',
		bodyParameters: {
			parameters: [
				{ parameterType: 'formData', name: 'tracking_id', value: TRACKING_ID },
				{ parameterType: 'formBinaryData', name: 'file', inputDataFieldName: 'data' },
			],
		},
		options,
	});
	return pipeline(`bench: ${path}`, webhook(path, 'lastNode'), readFiles(), request);
}

/** Only the read into the binary store: what the upload workflows spend before the upload. */
export function readOnly(path: string): WorkflowJson {
	return pipeline(`bench: ${path}`, webhook(path, 'lastNode'), readFiles());
}

export const CAMPAIGN_NODE = 'Start Campaign';
export const EDIT_FIELDS_NODE = 'Edit Fields';
export const CAMPAIGN_VARIABLES = ['customer_name', 'debt_amount', 'due_date'] as const;
/** Each contact item: the phone and the script's three variables. */
export const CONTACT_FIELDS = ['phone', ...CAMPAIGN_VARIABLES] as const;

const fieldExpression = (field: string) => `={{ $json.${field} }}`;

/** A script variable as the editor's resource mapper lists it. */
const TEXT_VARIABLE = { type: 'string', required: false, defaultMatch: false, canBeUsedToMatch: false, display: true };

/**
 * How the campaign workflow ends: Start Campaign with the variables mapped by
 * expressions (as a user maps them in the editor) or automatically from the
 * fields of the same names; n8n's Edit Fields node evaluating the same four
 * expressions per item (what a hand-built flow does before posting them); or
 * nothing after splitting the contacts into items.
 */
export type CampaignEnd = 'expressions' | 'autoMap' | 'editFields' | 'none';

function startCampaign(credential: Credential, mappingMode: 'defineBelow' | 'autoMapInputData'): WorkflowNode {
	const startNode = n8nNode(CAMPAIGN_NODE, OMI_AI, 1, {
		resource: 'callbotSession',
		operation: 'start',
		mode: 'allItems',
		scriptId: { __rl: true, mode: 'id', value: SCRIPT_ID },
		phone: fieldExpression('phone'),
		variables: {
			mappingMode,
			value: mappingMode === 'defineBelow' ? Object.fromEntries(CAMPAIGN_VARIABLES.map((id) => [id, fieldExpression(id)])) : null,
			matchingColumns: [],
			schema: CAMPAIGN_VARIABLES.map((id) => ({ id, displayName: id, ...TEXT_VARIABLE })),
			attemptToConvertTypes: false,
			convertFieldsToString: true,
		},
		options: {},
	});
	startNode.credentials = { omiCallApi: credential };
	return startNode;
}

const editFields = () =>
	n8nNode(EDIT_FIELDS_NODE, 'n8n-nodes-base.set', 3.4, {
		assignments: {
			assignments: CONTACT_FIELDS.map((field) => ({ id: randomUUID(), name: field, value: fieldExpression(field), type: 'string' })),
		},
		options: {},
	});

/** body.contacts: [{ phone, customer_name, debt_amount, due_date }], one item per contact, then `end`. */
export function campaign(path: string, credential: Credential, end: CampaignEnd): WorkflowJson {
	const nodes = [webhook(path, 'lastNode'), n8nNode('Contacts', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.contacts', options: {} })];
	if (end === 'expressions') nodes.push(startCampaign(credential, 'defineBelow'));
	if (end === 'autoMap') nodes.push(startCampaign(credential, 'autoMapInputData'));
	if (end === 'editFields') nodes.push(editFields());
	return pipeline(`bench: ${path}`, ...nodes);
}

export const INTAKE_NODE = 'Intake';

/** Our trigger alone: each result OMI posts starts one execution. */
export function oursIntake(credential: Credential): WorkflowJson {
	const trigger = n8nNode(INTAKE_NODE, OMI_AI_TRIGGER, 1.1, {
		events: ['callAnalysisCompleted', 'transcriptionCompleted'],
		trackingIdMatch: 'any',
		options: {},
	});
	trigger.credentials = { omiCallApi: credential };
	trigger.webhookId = randomUUID();
	return pipeline('bench: OMI AI Trigger intake', trigger);
}

/** n8n's generic Webhook node alone, answering at once: what a user would point OMI at by hand. */
export function webhookIntake(path: string): WorkflowJson {
	return pipeline('bench: Webhook node intake', { ...webhook(path, 'onReceived'), name: INTAKE_NODE });
}

/** The bench's dev-only minimal community trigger (bench/minimal-trigger): what n8n costs any community trigger. */
export const MINIMAL_TRIGGER = 'n8n-nodes-bench-minimal.minimalTrigger';

/** The minimal trigger alone; n8n serves it at /webhook/<webhookId>/minimal. */
export function minimalIntake(): { workflow: WorkflowJson; path: string } {
	const trigger = { ...n8nNode(INTAKE_NODE, MINIMAL_TRIGGER, 1, {}), webhookId: randomUUID() };
	return { workflow: pipeline('bench: minimal community trigger intake', trigger), path: `${trigger.webhookId}/minimal` };
}

export const PARSE_NODE = 'Parse result';

/**
 * The Code node of the hand-built intake: the fields of the OMI AI Trigger's
 * item for an analysis result (event, trackingId, talk times, QA scorecards,
 * keyword counts, the LLM summary), read the way a user would write it.
 */
const PARSE_RESULT_CODE = `
const parse = (value) => (typeof value === 'string' && /^\\s*[[{]/.test(value) ? JSON.parse(value) : value);
const card = (quality, speaker) => quality[speaker.toUpperCase()] ?? quality[speaker] ?? {};
return $input.all().map(({ json }) => {
  const body = json.body;
  const summary = parse(body.analyst_results) ?? {};
  const quality = parse(body.quality_evaluation_result) ?? {};
  const [staff, customer] = [card(quality, 'staff'), card(quality, 'customer')];
  return {
    json: {
      event: 'callAnalysisCompleted',
      trackingId: String(body.tracking_id ?? ''),
      staffTalkTime: body.staff_talk_time ?? summary.staff_talk_time ?? null,
      customerTalkTime: body.customer_talk_time ?? summary.customer_talk_time ?? null,
      qa: {
        staffScore: staff.score ?? summary.staff_score ?? null,
        staffMaxScore: staff.max_score ?? null,
        customerScore: customer.score ?? summary.customer_score ?? null,
        customerMaxScore: customer.max_score ?? null,
        staffPassed: staff.passed ?? [],
        staffFailed: staff.failed ?? [],
        customerPassed: customer.passed ?? [],
        customerFailed: customer.failed ?? [],
      },
      keywords: parse(body.keyword_count) ?? {},
      llm: parse(body.nl_analyze_result) ?? null,
    },
  };
});
`;

/**
 * What a user builds by hand instead of our trigger: n8n's Webhook node,
 * Remove Duplicates keyed by the tracking ID across executions (n8n's
 * processed-items store, as our trigger uses), and a Code node making the
 * same simplified item. It has no URL token check: the Webhook node alone
 * has none without a credential.
 */
export function handBuiltIntake(path: string): WorkflowJson {
	const dedupe = n8nNode('Remove Duplicates', 'n8n-nodes-base.removeDuplicates', 2, {
		operation: 'removeItemsRepeatedInPreviousExecutions',
		dedupeValue: '={{ $json.body.tracking_id }}',
		options: {},
	});
	const parse = n8nNode(PARSE_NODE, 'n8n-nodes-base.code', 2, { language: 'javaScript', mode: 'runOnceForAllItems', jsCode: PARSE_RESULT_CODE });
	return pipeline('bench: hand-built intake (Webhook → Remove Duplicates → Code)', { ...webhook(path, 'onReceived'), name: INTAKE_NODE }, dedupe, parse);
}

export const OMICALL_TRIGGER = 'n8n-nodes-omicall.omiCallTrigger';
export const CALL_TRIGGER_NODE = 'OMICall Trigger';

/** The OMICall Trigger alone, for the calls of one agent extension; with `startFrom` its activation emits the backlog. */
export function callTriggerAlone(credential: Credential, extension: string, startFrom: string): WorkflowJson {
	const trigger = n8nNode(CALL_TRIGGER_NODE, OMICALL_TRIGGER, 1, {
		pollTimes: { item: [{ mode: 'everyHour' }] },
		answeredOnly: false,
		filters: { sipUsers: extension },
		options: { startFrom },
	});
	trigger.credentials = { omiCallApi: credential };
	return pipeline(`bench: OMICall Trigger backlog (${extension})`, trigger);
}

/** examples/omi-auto-qa.json's loop: the trigger every minute (n8n's shortest), then Analyze Call from the recording URL. */
export function callTriggerToAnalyze(credential: Credential, extension: string): WorkflowJson {
	const trigger = n8nNode(CALL_TRIGGER_NODE, OMICALL_TRIGGER, 1, {
		pollTimes: { item: [{ mode: 'everyMinute' }] },
		answeredOnly: true,
		withRecordingOnly: true,
		filters: { sipUsers: extension },
		options: {},
	});
	trigger.credentials = { omiCallApi: credential };
	const analyze = n8nNode(UPLOAD_NODE, OMI_AI, 1, {
		resource: 'recording',
		operation: 'analyzeCall',
		source: 'url',
		recordingUrl: '={{ $json.recordingUrl }}',
		trackingId: '={{ $json.callId }}',
		options: {},
	});
	analyze.credentials = { omiCallApi: credential };
	return pipeline('bench: OMICall Trigger → Analyze Call', trigger, analyze);
}
