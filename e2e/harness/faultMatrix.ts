/**
 * Every operation of the OMI AI node, each in two workflows that a user
 * would build to survive a failing OMI: one with n8n's Continue On Fail, one
 * with its Retry On Fail. Each starts with a Webhook node and takes what it
 * needs from the POSTed body, so the suite can run any operation under any
 * fault the sandbox injects on that operation's endpoint.
 */

import { type Credentials, SANDBOX_SCRIPT_ID, type WorkflowJson, chain, omi, webhookStart } from './workflows';

export interface OperationUnderFault {
	/** Also the node's name in its workflows. */
	name: string;
	/** The sandbox endpoint the operation calls, as a fault rule's path. */
	endpoint: string;
	parameters: Record<string, unknown>;
	/** The body that makes the operation succeed when nothing fails. */
	body: (context: BodyContext) => Record<string, unknown>;
}

export interface BodyContext {
	sandboxUrl: string;
	/** Unique per run: tracking IDs, session IDs. */
	run: string;
	/** A session the sandbox knows, for Count Calls. */
	autocallId: string;
}

/** Seconds an upload waits for OMI in these workflows: short, so that a slow answer is a timeout quickly. */
export const UPLOAD_TIMEOUT_SECONDS = 2;

const upload = (operation: 'transcribe' | 'analyzeCall') => ({
	resource: 'recording',
	operation,
	source: 'url',
	recordingUrl: '={{ $json.body.url }}',
	trackingId: '={{ $json.body.trackingId }}',
	options: { timeoutSeconds: UPLOAD_TIMEOUT_SECONDS },
});
const recordingBody = ({ sandboxUrl, run }: BodyContext) => ({ url: `${sandboxUrl}/recordings/${run}.wav?seconds=1`, trackingId: run });

export const OPERATIONS: OperationUnderFault[] = [
	{ name: 'Transcribe', endpoint: '/api/ai/speech_to_text', parameters: upload('transcribe'), body: recordingBody },
	{ name: 'Analyze Call', endpoint: '/api/ai/call_analyze', parameters: upload('analyzeCall'), body: recordingBody },
	{
		name: 'List Scripts',
		endpoint: '/api/call_bot/script/list',
		parameters: { resource: 'callbotScript', operation: 'getMany', returnAll: true },
		body: () => ({}),
	},
	{
		name: 'Get Script',
		endpoint: '/api/call_bot/get_by_id/*',
		parameters: { resource: 'callbotScript', operation: 'get', scriptId: { __rl: true, mode: 'id', value: SANDBOX_SCRIPT_ID } },
		body: () => ({}),
	},
	{
		name: 'Start Campaign',
		endpoint: '/api/call_bot/execute_by_phone',
		parameters: {
			resource: 'callbotSession',
			operation: 'start',
			scriptId: { __rl: true, mode: 'id', value: SANDBOX_SCRIPT_ID },
			phone: '={{ $json.body.phone }}',
			options: { externalSessionId: '={{ $json.body.sessionId }}' },
		},
		body: ({ run }) => ({ phone: '0912345678', sessionId: run }),
	},
	{
		name: 'Count Calls',
		endpoint: '/api/call_bot/call/count',
		parameters: { resource: 'callbotSession', operation: 'countCalls', autocallId: '={{ $json.body.autocallId }}' },
		body: ({ autocallId }) => ({ autocallId }),
	},
	{
		name: 'Analyzed Logs',
		endpoint: '/api/call_bot/analyzed_log/list',
		parameters: { resource: 'callbotSession', operation: 'getAnalyzedLogs', refUuid: '={{ $json.body.refUuid }}', returnAll: false, limit: 5 },
		body: ({ run }) => ({ refUuid: run }),
	},
	{
		name: 'Register Webhook',
		endpoint: '/api/ai/register_webhook_ai',
		parameters: { resource: 'webhook', operation: 'register', url: '={{ $json.body.webhookUrl }}' },
		body: ({ sandboxUrl }) => ({ webhookUrl: `${sandboxUrl}/fault-matrix-receiver` }),
	},
];

export type FailureHandling = 'continue' | 'retry';

export const faultPath = (operation: OperationUnderFault, handling: FailureHandling) =>
	`e2e-fault-${handling}-${operation.name.toLowerCase().replace(/ /g, '-')}`;

export function operationFaultWorkflows(credentials: Credentials): WorkflowJson[] {
	return OPERATIONS.flatMap((operation) => [
		chain(`e2e: ${operation.name}, continuing on failure`, [
			webhookStart(faultPath(operation, 'continue')),
			{ ...omi(operation.name, operation.parameters, credentials), onError: 'continueRegularOutput' },
		]),
		chain(`e2e: ${operation.name}, retried on failure`, [
			webhookStart(faultPath(operation, 'retry')),
			{ ...omi(operation.name, operation.parameters, credentials), retryOnFail: true, maxTries: 2, waitBetweenTries: 100 },
		]),
	]);
}
