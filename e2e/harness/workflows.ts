/**
 * The test workflows of the end-to-end suite, as a user would build them in
 * the editor. Each action workflow starts with a Webhook node that answers
 * when the last node has finished, so the suite runs it with one HTTP POST
 * and then reads every node's output from n8n's executions API.
 */

import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WorkflowNode {
	id: string;
	name: string;
	type: string;
	typeVersion: number;
	position: [number, number];
	parameters: Record<string, unknown>;
	credentials?: Record<string, { id: string; name: string }>;
	webhookId?: string;
	/** n8n's node settings. */
	retryOnFail?: boolean;
	maxTries?: number;
	waitBetweenTries?: number;
	onError?: 'stopWorkflow' | 'continueRegularOutput' | 'continueErrorOutput';
}

export interface WorkflowJson {
	name: string;
	nodes: WorkflowNode[];
	connections: Record<string, { main: Array<Array<{ node: string; type: 'main'; index: number }>> }>;
	settings: Record<string, unknown>;
}

export interface Credentials {
	omi: { id: string; name: string };
	alovoice: { id: string; name: string };
	/** The chat model of the AI agent example (n8n's OpenAI credential, its Base URL a stand-in or a real provider). */
	openAi?: { id: string; name: string };
	/** The token MCP clients send to the MCP server example. */
	mcpBearer?: { id: string; name: string };
}

const OMI_AI = 'n8n-nodes-omicall.omiAi';
const ALOVOICE = 'n8n-nodes-alovoice.alovoice';

export function node(name: string, type: string, typeVersion: number, parameters: Record<string, unknown>, extra: Partial<WorkflowNode> = {}): WorkflowNode {
	return { id: randomUUID(), name, type, typeVersion, position: [0, 0], parameters, ...extra };
}

/** A straight line of nodes, each feeding the next; positions spread so the editor shows them readably. */
export function chain(name: string, nodes: WorkflowNode[]): WorkflowJson {
	nodes.forEach((entry, index) => (entry.position = [index * 240, 0]));
	const connections: WorkflowJson['connections'] = {};
	for (let index = 0; index + 1 < nodes.length; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	return { name, nodes, connections, settings: { executionOrder: 'v1' } };
}

/** A Webhook node at `path` that answers with the last node's items once the workflow has run. */
export function webhookStart(path: string): WorkflowNode {
	return node(
		'Webhook',
		'n8n-nodes-base.webhook',
		2,
		{ httpMethod: 'POST', path, responseMode: 'lastNode', responseData: 'allEntries', options: {} },
		{ webhookId: randomUUID() },
	);
}

export const omi = (name: string, parameters: Record<string, unknown>, credentials: Credentials) =>
	node(name, OMI_AI, 1, parameters, { credentials: { omiCallApi: credentials.omi } });

type UploadOperation = 'transcribe' | 'analyzeCall';

const UPLOAD_NODE_NAMES: Record<UploadOperation, string> = { transcribe: 'Transcribe', analyzeCall: 'Analyze Call' };

/** Transcribe or Analyze Call of the recording at the Webhook body's `url`, under its `trackingId`. */
function uploadFromUrl(name: string, path: string, operation: UploadOperation, credentials: Credentials): WorkflowJson {
	return chain(name, [
		webhookStart(path),
		omi(
			UPLOAD_NODE_NAMES[operation],
			{
				resource: 'recording',
				operation,
				source: 'url',
				recordingUrl: '={{ $json.body.url }}',
				trackingId: '={{ $json.body.trackingId }}',
				options: {},
			},
			credentials,
		),
	]);
}

/** The same for the file at the Webhook body's `path`, read from disk into the binary store by n8n's own node. */
function uploadFromDisk(name: string, path: string, operation: UploadOperation, credentials: Credentials): WorkflowJson {
	return chain(name, [
		webhookStart(path),
		node('Read recording', 'n8n-nodes-base.readWriteFile', 1, {
			operation: 'read',
			fileSelector: '={{ $json.body.path }}',
			options: {},
		}),
		omi(
			UPLOAD_NODE_NAMES[operation],
			{
				resource: 'recording',
				operation,
				source: 'binary',
				binaryPropertyName: 'data',
				trackingId: "={{ $('Webhook').item.json.body.trackingId }}",
				options: {},
			},
			credentials,
		),
	]);
}

export const TOKEN_EXPIRY_PATHS = {
	logsReturnAll: 'e2e-logs-all',
	transcribeMany: 'e2e-transcribe-many',
} as const;

/** Workflows the reliability suite runs while the sandbox expires every access token again and again. */
export function tokenExpiryWorkflows(credentials: Credentials): WorkflowJson[] {
	return [
		// Body: { refUuid }.
		chain('e2e: every analysed log of a session', [
			webhookStart(TOKEN_EXPIRY_PATHS.logsReturnAll),
			omi(
				'Analyzed Logs',
				{ resource: 'callbotSession', operation: 'getAnalyzedLogs', refUuid: '={{ $json.body.refUuid }}', returnAll: true },
				credentials,
			),
		]),
		transcribeUrlsWorkflow('e2e: transcribe many recordings from URLs', TOKEN_EXPIRY_PATHS.transcribeMany, credentials),
	];
}

export const ACTION_PATHS = {
	transcribeFromDisk: 'e2e-transcribe-disk',
	analyzeFromDisk: 'e2e-analyze-disk',
	transcribeFromUrl: 'e2e-transcribe-url',
	analyzeFromUrl: 'e2e-analyze-url',
	scripts: 'e2e-scripts',
	campaign: 'e2e-campaign',
	alovoice: 'e2e-alovoice',
} as const;

/** The sandbox's script "Nhắc nợ khoản vay tiêu dùng", with variables customer_name, debt_amount, due_date, xung_ho. */
export const SANDBOX_SCRIPT_ID = '66f1a2b3c4d5e6f708192a3b';

/** Start of a campaign on the sandbox's script, one session for all items: `phone`, `name` and `debt` of each item. */
export const startCampaign = (credentials: Credentials) =>
	omi(
		'Start Campaign',
		{
			resource: 'callbotSession',
			operation: 'start',
			mode: 'allItems',
			scriptId: { __rl: true, mode: 'id', value: SANDBOX_SCRIPT_ID },
			phone: '={{ $json.phone }}',
			variables: {
				mappingMode: 'defineBelow',
				value: { customer_name: '={{ $json.name }}', debt_amount: '={{ $json.debt }}' },
				matchingColumns: [],
				schema: ['customer_name', 'debt_amount'].map((id) => ({
					id,
					displayName: id,
					type: 'string',
					required: false,
					defaultMatch: false,
					canBeUsedToMatch: false,
					display: true,
				})),
				attemptToConvertTypes: false,
				convertFieldsToString: true,
			},
			options: {},
		},
		credentials,
	);

export function actionWorkflows(credentials: Credentials): WorkflowJson[] {
	return [
		// Body: { path, trackingId }.
		uploadFromDisk('e2e: transcribe a recording read from disk', ACTION_PATHS.transcribeFromDisk, 'transcribe', credentials),
		uploadFromDisk('e2e: analyze a call read from disk', ACTION_PATHS.analyzeFromDisk, 'analyzeCall', credentials),
		// Body: { url, trackingId }.
		uploadFromUrl('e2e: transcribe a recording from a URL', ACTION_PATHS.transcribeFromUrl, 'transcribe', credentials),
		uploadFromUrl('e2e: analyze a call from a URL', ACTION_PATHS.analyzeFromUrl, 'analyzeCall', credentials),
		chain('e2e: list callBot scripts', [
			webhookStart(ACTION_PATHS.scripts),
			omi('List Scripts', { resource: 'callbotScript', operation: 'getMany', returnAll: true }, credentials),
		]),
		// Body: { contacts: [{ phone, name, debt }] }.
		chain('e2e: start a campaign, count its calls and read its logs', [
			webhookStart(ACTION_PATHS.campaign),
			node('Contacts', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.contacts', options: {} }),
			startCampaign(credentials),
			omi('Count Calls', { resource: 'callbotSession', operation: 'countCalls', autocallId: '={{ $json.autocall_id }}' }, credentials),
			omi(
				'Analyzed Logs',
				{
					resource: 'callbotSession',
					operation: 'getAnalyzedLogs',
					refUuid: "={{ $('Start Campaign').item.json.autocall_id }}",
					returnAll: false,
					limit: 5,
				},
				credentials,
			),
		]),
		// Body: { callId }.
		chain('e2e: Alovoice analyze and wait', [
			webhookStart(ACTION_PATHS.alovoice),
			node(
				'Alovoice',
				ALOVOICE,
				1,
				{
					resource: 'callAnalysis',
					operation: 'analyzeAndWait',
					callId: '={{ $json.body.callId }}',
					waitOptions: { pollIntervalSeconds: 0.5, backoffFactor: 1, maxWaitSeconds: 30 },
					simplify: true,
				},
				{ credentials: { alovoiceApi: credentials.alovoice } },
			),
		]),
	];
}

export const QUEUE_PATHS = { transcribeUrls: 'e2e-transcribe-urls' } as const;

/** An OMI AI Trigger alone, for the results of `events`: each accepted delivery starts one execution. */
export function triggerOnly(name: string, events: Array<'callAnalysisCompleted' | 'transcriptionCompleted'>, credentials: Credentials): WorkflowJson {
	return chain(name, [
		node(
			'OMI AI Trigger',
			'n8n-nodes-omicall.omiAiTrigger',
			1.1,
			{ events, trackingIdMatch: 'any', options: {} },
			{ webhookId: randomUUID(), credentials: { omiCallApi: credentials.omi } },
		),
	]);
}

/** Body: { recordings: [{ url, trackingId }] }. One Transcribe of every recording URL, downloaded and forwarded by the node. */
export function transcribeUrlsWorkflow(name: string, path: string, credentials: Credentials): WorkflowJson {
	return chain(name, [
		webhookStart(path),
		node('Recordings', 'n8n-nodes-base.splitOut', 1, { fieldToSplitOut: 'body.recordings', options: {} }),
		omi(
			'Transcribe',
			{
				resource: 'recording',
				operation: 'transcribe',
				source: 'url',
				recordingUrl: '={{ $json.url }}',
				trackingId: '={{ $json.trackingId }}',
				options: {},
			},
			credentials,
		),
	]);
}

const EXAMPLES = join(__dirname, '..', '..', 'examples');

/** Where the examples point that a demo or a test replaces with its own stand-ins. */
export const EXAMPLE_SANDBOX_URL = 'http://127.0.0.1:3990';

export interface ExampleStandIns {
	credentials: Credentials;
	/** Receives what the examples post to Slack. */
	slackUrl: string;
	/** The sandbox, where it does not listen on the examples' default port. */
	sandboxUrl?: string;
}

/**
 * An example workflow from examples/ as a user imports it, then pointed at
 * their own credentials, and at stand-ins for Slack and the sandbox.
 */
export function example(file: string, { credentials, slackUrl, sandboxUrl }: ExampleStandIns): WorkflowJson {
	const text = readFileSync(join(EXAMPLES, file), 'utf8');
	const workflow = JSON.parse(sandboxUrl ? text.replaceAll(EXAMPLE_SANDBOX_URL, sandboxUrl) : text) as WorkflowJson;
	for (const entry of workflow.nodes) {
		if (entry.credentials?.omiCallApi) entry.credentials.omiCallApi = credentials.omi;
		if (entry.credentials?.alovoiceApi) entry.credentials.alovoiceApi = credentials.alovoice;
		if (entry.credentials?.openAiApi && credentials.openAi) entry.credentials.openAiApi = credentials.openAi;
		if (entry.credentials?.httpBearerAuth && credentials.mcpBearer) entry.credentials.httpBearerAuth = credentials.mcpBearer;
		if (entry.type === 'n8n-nodes-base.httpRequest' && String(entry.parameters.url).includes('hooks.slack.com')) {
			entry.parameters.url = slackUrl;
		}
	}
	return { name: workflow.name, nodes: workflow.nodes, connections: workflow.connections, settings: workflow.settings ?? {} };
}

export const exampleName = (file: string): string =>
	(JSON.parse(readFileSync(join(EXAMPLES, file), 'utf8')) as WorkflowJson).name;

/**
 * Poll Times for a test: six custom crons, at seconds 5, 15, … 55 of every minute, so a poll
 * every 10 s instead of n8n's once a minute. n8n refuses one cron that fires more than once a
 * minute, but takes several entries that each fire once a minute, on both n8n lines.
 */
export const POLL_EVERY_10_SECONDS = {
	item: [5, 15, 25, 35, 45, 55].map((second) => ({ mode: 'custom', cronExpression: `${second} * * * * *` })),
};

/** The workflow with every polling trigger's Poll Times set to POLL_EVERY_10_SECONDS. */
export function pollingEvery10Seconds(workflow: WorkflowJson): WorkflowJson {
	for (const entry of workflow.nodes) if (entry.parameters.pollTimes !== undefined) entry.parameters.pollTimes = POLL_EVERY_10_SECONDS;
	return workflow;
}
