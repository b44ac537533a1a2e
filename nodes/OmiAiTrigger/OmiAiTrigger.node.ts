import type {
	IDataObject,
	IHookFunctions,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { isRepeatedResult, readResultBody } from './delivery';
import { WEBHOOK_NAME, expectedToken, productionUrlOfTest, registerWithOmi } from './registration';
import { TOKEN_QUERY_PARAMETER, redactToken, tokensMatch } from './security';
import { type OmiResultEvent, detectEvent, simplifyResult, trackingIdOf } from './simplify';

type TrackingIdMatch = 'any' | 'equals' | 'startsWith';

interface TriggerOptions {
	includeUnknown?: boolean;
	includeRaw?: boolean;
}

function matchesTrackingId(trackingId: string, match: TrackingIdMatch, expected: string): boolean {
	if (match === 'equals') return trackingId === expected;
	if (match === 'startsWith') return trackingId.startsWith(expected);
	return true;
}

/**
 * Answers the request itself, so that a refused delivery starts no workflow.
 * Plain Node.js response calls: n8n's Express response is one too.
 */
function refuse(this: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	const response = this.getResponseObject();
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify({ message }));
	return { noWebhookResponse: true };
}

/** A 200 without a workflow: OMI must not retry a result this trigger chose to skip. */
const skipped = (reason: string): IWebhookResponseData => ({ webhookResponse: { received: true, skipped: reason } });

export class OmiAiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OMI AI Trigger',
		name: 'omiAiTrigger',
		icon: { light: 'file:../../icons/omi.svg', dark: 'file:../../icons/omi.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle:
			'={{ $parameter["events"].length === 1 ? ($parameter["events"][0] === "callAnalysisCompleted" ? "Call analysis completed" : "Transcription completed") : "Transcriptions and call analyses" }}',
		description: 'Starts the workflow when OMI finishes a transcription or a call analysis',
		defaults: { name: 'OMI AI Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omiCallApi', required: true }],
		webhooks: [
			{
				name: WEBHOOK_NAME,
				httpMethod: 'POST',
				responseMode: 'onReceived',
				path: 'omi-ai',
			},
		],
		properties: [
			{
				displayName:
					'OMI delivers the results of an account to one URL only. Activating this workflow, or listening for a test event, replaces the URL registered before, so keep one active OMI AI Trigger workflow per OMI account.',
				name: 'oneUrlNotice',
				type: 'notice',
				default: '',
			},
			{
				displayName: 'Events',
				name: 'events',
				type: 'multiOptions',
				required: true,
				options: [
					{
						name: 'Call Analysis Completed',
						value: 'callAnalysisCompleted',
						description: 'The Voice Insights result of an Analyze Call upload',
					},
					{
						name: 'Transcription Completed',
						value: 'transcriptionCompleted',
						description: 'The Speech To Text result of a Transcribe upload',
					},
				],
				default: ['callAnalysisCompleted', 'transcriptionCompleted'],
			},
			{
				displayName: 'Tracking ID Filter',
				name: 'trackingIdMatch',
				type: 'options',
				options: [
					{ name: 'Any Tracking ID', value: 'any' },
					{ name: 'Is Equal To', value: 'equals' },
					{ name: 'Starts With', value: 'startsWith', description: 'For example crm- for every upload your CRM flow made' },
				],
				default: 'any',
				description: 'Whether to react only to results of some uploads, by the tracking ID given at upload',
			},
			{
				displayName: 'Tracking ID',
				name: 'trackingId',
				type: 'string',
				required: true,
				default: '',
				placeholder: 'e.g. crm-',
				displayOptions: { show: { trackingIdMatch: ['equals', 'startsWith'] } },
			},
			{
				displayName: 'Options',
				name: 'options',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{
						displayName: 'Include Raw Payload and Headers',
						name: 'includeRaw',
						type: 'boolean',
						default: false,
						description: 'Whether to add the body exactly as OMI sent it, and the request headers',
					},
					{
						displayName: 'Emit Unrecognised Results',
						name: 'includeUnknown',
						type: 'boolean',
						default: false,
						description:
							'Whether to start the workflow with event "unknown" for a JSON body that is neither a transcription nor a call analysis, instead of refusing it',
					},
				],
			},
		],
	};

	webhookMethods = {
		default: {
			/**
			 * OMI cannot say which URL it holds, and any other workflow or person
			 * may have replaced it since: remembering our own registration would
			 * prove nothing, so n8n is always told to register again.
			 */
			async checkExists(this: IHookFunctions): Promise<boolean> {
				return false;
			},

			async create(this: IHookFunctions): Promise<boolean> {
				await registerWithOmi.call(this, this.getNodeWebhookUrl(WEBHOOK_NAME) as string);
				return true;
			},

			/** Never fails: OMI offers no way to remove a URL, and n8n must be able to deactivate regardless. */
			async delete(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl(WEBHOOK_NAME) as string;
				const productionUrl = productionUrlOfTest(url);
				if (productionUrl === undefined) {
					this.logger.warn(
						'OMI AI Trigger: OMI has no way to remove a webhook URL, so OMI keeps posting results to this workflow, which n8n no longer accepts. Activate a workflow with an OMI AI Trigger, or register another URL, to receive them elsewhere.',
						{ workflowId: this.getWorkflow().id, node: this.getNode().name },
					);
					return true;
				}
				// The test replaced the production registration at OMI; give it back.
				try {
					await registerWithOmi.call(this, productionUrl);
				} catch (error) {
					this.logger.warn(
						`OMI AI Trigger: the test is over, but OMI could not be given the production URL again (${(error as Error).message}). Until the workflow is deactivated and activated again, results go to the expired test URL.`,
						{ workflowId: this.getWorkflow().id, node: this.getNode().name },
					);
				}
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const token = await expectedToken.call(this);
		const query = this.getQueryData() as IDataObject;
		if (!tokensMatch(query[TOKEN_QUERY_PARAMETER], token)) return refuse.call(this, 401, 'Unauthorized');

		const request = this.getRequestObject() as unknown as Parameters<typeof readResultBody>[0];
		const read = readResultBody(request);
		if ('refusal' in read) return refuse.call(this, read.refusal.status, read.refusal.message);
		const { body } = read;

		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const event = detectEvent(body);
		if (event === 'unknown' && !options.includeUnknown) {
			return refuse.call(this, 400, 'The body is neither a transcription nor a call analysis result');
		}
		const events = this.getNodeParameter('events', []) as OmiResultEvent[];
		if (event !== 'unknown' && !events.includes(event)) return skipped('event not selected');

		const trackingId = trackingIdOf(body);
		const match = this.getNodeParameter('trackingIdMatch', 'any') as TrackingIdMatch;
		const expectedTrackingId = match === 'any' ? '' : (this.getNodeParameter('trackingId', '') as string);
		if (!matchesTrackingId(trackingId, match, expectedTrackingId)) return skipped('tracking ID filtered out');

		if (trackingId !== '' && isRepeatedResult(this.getWorkflowStaticData('node'), `${event}:${trackingId}`)) {
			return skipped('duplicate');
		}

		const item = simplifyResult(event, body);
		if (options.includeRaw) {
			item.raw = body;
			item.headers = redactToken(this.getHeaderData() as IDataObject, token as string) as IDataObject;
		}
		return { webhookResponse: { received: true }, workflowData: [[{ json: item }]] };
	}
}
