import type {
	IDataObject,
	IExecuteFunctions,
	IHookFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
	IWebhookFunctions,
	IWebhookResponseData,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { ANSWER_WITH_WEBHOOK_RESPONSE, OMI_NODE_CREATOR_DESCRIPTION, UNPARSED_BODY_VERSIONS, productionUrlOfTest } from '../omi/n8n';
import {
	deliveryScope,
	firstDeliveryStarted,
	markInFlight,
	markSeenLately,
	readResultBody,
	recordResults,
	resultKey,
	wasSeenLately,
} from './delivery';
import { WEBHOOK_NAME, presentsToken, registerWithOmi } from './registration';
import { unreachableHost, unreachableUrlWarning } from './reachability';
import { TOKEN_QUERY_PARAMETER, redactToken } from './security';
import { type OmiResultEvent, detectEvent, readResult, trackingIdOf } from './simplify';

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

/** Answers a request that starts no workflow, so that n8n adds nothing to it. */
function answer(this: IWebhookFunctions, status: number, body: IDataObject): void {
	const response = this.getResponseObject();
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
}

function refuse(this: IWebhookFunctions, status: number, message: string): IWebhookResponseData {
	answer.call(this, status, { message });
	return { noWebhookResponse: true };
}

/** A 200 without a workflow: OMI must not retry a result this trigger chose to skip. */
function skip(this: IWebhookFunctions, reason: string): IWebhookResponseData {
	answer.call(this, 200, { received: true, skipped: reason });
	return { noWebhookResponse: true };
}

const WRONG_TOKEN_WARNING_INTERVAL_MS = 60_000;
const lastWrongTokenWarning = new Map<string, number>();

/**
 * A stale token most likely means the credential's API key changed while the
 * workflow stayed active. Said at most once a minute per trigger, so that
 * somebody guessing tokens cannot flood the log.
 */
function warnAboutWrongToken(this: IWebhookFunctions): void {
	const trigger = deliveryScope(this);
	const now = Date.now();
	if (now - (lastWrongTokenWarning.get(trigger) ?? 0) < WRONG_TOKEN_WARNING_INTERVAL_MS) return;
	lastWrongTokenWarning.set(trigger, now);
	this.logger.warn(
		'OMI AI Trigger: refused a delivery whose URL token is not this workflow\'s. If the API key of the OMI credential changed, deactivate and activate the workflow, so that OMI gets the URL with the new token.',
		{ workflowId: this.getWorkflow().id, node: this.getNode().name },
	);
}

export class OmiAiTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'OMI AI Trigger',
		name: 'omiAiTrigger',
		icon: { light: 'file:../../icons/omi.svg', dark: 'file:../../icons/omi.dark.svg' },
		group: ['trigger'],
		// From 1.1, n8n leaves a body of a content type it cannot parse for the node to read.
		...UNPARSED_BODY_VERSIONS,
		subtitle:
			'={{ $parameter["events"].length === 1 ? ($parameter["events"][0] === "callAnalysisCompleted" ? "Call analysis completed" : "Transcription completed") : "Transcriptions and call analyses" }}',
		description: OMI_NODE_CREATOR_DESCRIPTION,
		defaults: { name: 'OMI AI Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omiCallApi', required: true }],
		webhooks: [
			{
				name: WEBHOOK_NAME,
				httpMethod: 'POST',
				responseMode: 'onReceived',
				responseData: ANSWER_WITH_WEBHOOK_RESPONSE,
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
				// n8n's panel cannot show a notice depending on the URL; activation logs a warning when it is so.
				displayName:
					"OMI posts its results to this trigger's production URL (Webhook URLs, above) from the internet. If that URL is on localhost, 127.x, [::1] or a private address (10.x, 172.16-31.x, 192.168.x), OMI cannot reach it: set n8n's WEBHOOK_URL environment variable to n8n's public address. Activating the workflow warns in n8n's log when the URL is such an address.",
				name: 'reachableUrlNotice',
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
						description:
							'Whether to add the body exactly as OMI sent it, and the request headers. A result with fields the node could not read always carries the body, with warnings that say what was not read.',
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
				const url = this.getNodeWebhookUrl(WEBHOOK_NAME) as string;
				const host = unreachableHost(url);
				if (host !== undefined) {
					this.logger.warn(unreachableUrlWarning(url, host), {
						workflowId: this.getWorkflow().id,
						node: this.getNode().name,
					});
				}
				await registerWithOmi.call(this, url);
				return true;
			},

			/** Never fails: OMI offers no way to remove a URL, and n8n must be able to deactivate regardless. */
			async delete(this: IHookFunctions): Promise<boolean> {
				const url = this.getNodeWebhookUrl(WEBHOOK_NAME) as string;
				const productionUrl = productionUrlOfTest(url);
				if (productionUrl === undefined) {
					// Also runs when an active workflow is saved, just before create() registers it again.
					this.logger.warn(
						'OMI AI Trigger: OMI has no way to remove a webhook URL. Unless this workflow is being activated again, OMI keeps posting results to a URL that n8n no longer accepts: activate a workflow with an OMI AI Trigger to receive them. (If a test run just ended on an n8n with custom webhook endpoint names, the production URL was not registered again: deactivate and activate the workflow.)',
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
		const query = this.getQueryData() as IDataObject;
		const presented = query[TOKEN_QUERY_PARAMETER];
		const token = await presentsToken.call(this, presented);
		if (token === undefined) {
			if (typeof presented === 'string' && presented !== '') warnAboutWrongToken.call(this);
			return refuse.call(this, 401, 'Unauthorized');
		}

		const request = this.getRequestObject() as unknown as Parameters<typeof readResultBody>[0];
		const read = await readResultBody(request);
		if ('refusal' in read) return refuse.call(this, read.refusal.status, read.refusal.message);
		const { body } = read;

		const options = this.getNodeParameter('options', {}) as TriggerOptions;
		const event = detectEvent(body);
		if (event === 'unknown' && !options.includeUnknown) {
			return refuse.call(this, 400, 'The body is neither a transcription nor a call analysis result');
		}
		const events = this.getNodeParameter('events', []) as OmiResultEvent[];
		if (event !== 'unknown' && !events.includes(event)) return skip.call(this, 'event not selected');

		const trackingId = trackingIdOf(body);
		const match = this.getNodeParameter('trackingIdMatch', 'any') as TrackingIdMatch;
		const expectedTrackingId = match === 'any' ? '' : (this.getNodeParameter('trackingId', '') as string);
		if (!matchesTrackingId(trackingId, match, expectedTrackingId)) return skip.call(this, 'tracking ID filtered out');

		// Recorded by execute(), once the execution exists: recording it here would make OMI's retry of
		// a delivery whose execution n8n failed to start look like a repeat, and lose the result.
		const key = resultKey(event, trackingId);
		// A test delivery always runs, whatever production has seen.
		if (key !== undefined && this.getMode() !== 'manual') {
			const scope = deliveryScope(this);
			if (wasSeenLately(scope, key) || (await firstDeliveryStarted(scope, key))) return skip.call(this, 'duplicate');
			markInFlight(scope, key);
		}

		const { item, unreadable } = readResult(event, body);
		// What the simplified item could not read must not be lost: the body goes along.
		// Unknown fields need no body: they are kept in otherFields.
		if (options.includeRaw || unreadable) item.raw = body;
		if (options.includeRaw) {
			item.headers = redactToken(this.getHeaderData() as IDataObject, token) as IDataObject;
		}
		// n8n answers once the execution is stored, so a result answered with 200 survives a restart.
		return { webhookResponse: { received: true }, workflowData: [[{ json: item }]] };
	}

	/**
	 * Runs as the first step of the execution a delivery started, with the
	 * item webhook() made. It records the result in n8n's processed-items
	 * store, which saves at once, and ends the execution without an item when
	 * the result was recorded before: a repeat that reached another process, or
	 * came in while the first delivery's execution was starting.
	 */
	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const items = this.getInputData().map((item, index) => ({ ...item, pairedItem: { item: index } }));
		const keyOf = (item: INodeExecutionData) => resultKey(item.json.event, item.json.trackingId);
		const keys = items.flatMap((item) => keyOf(item) ?? []);
		// A test run must not make the production delivery of the same result look like a repeat.
		if (keys.length === 0 || this.getMode() === 'manual') return [items];

		// Before the store answers, so that a copy arriving meanwhile gets the quick answer.
		markSeenLately(deliveryScope(this), keys);
		const repeats = new Set(await recordResults.call(this, keys));
		return [
			items.filter((item) => {
				const key = keyOf(item);
				return key === undefined || !repeats.has(key);
			}),
		];
	}
}
