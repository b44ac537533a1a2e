import { randomUUID } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

import { HookContext, WebhookContext, WorkflowExecute } from 'n8n-core';
import type {
	IDataObject,
	IHttpRequestMethods,
	INode,
	INodeExecutionData,
	IRun,
	IWebhookData,
	IWorkflowBase,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { NodeHelpers, Workflow, createRunExecutionData } from 'n8n-workflow';

import type { TestN8n, WorkflowJson } from './engine';

/** n8n's default N8N_PAYLOAD_SIZE_MAX: 16 MiB. */
const N8N_PAYLOAD_LIMIT_BYTES = 16 * 1024 * 1024;

export interface WebhookExecution {
	workflowId: string;
	mode: WorkflowExecuteMode;
	run: IRun;
	/** The items a node put out on its first output. */
	output(nodeName: string): INodeExecutionData[];
}

interface SavedWorkflow {
	id: string;
	json: WorkflowJson;
	/** What n8n keeps in its database between requests: a plain copy, never the live object. */
	staticData: IDataObject;
}

interface Registration {
	workflow: SavedWorkflow;
	node: INode;
	webhookData: IWebhookData;
}

/** What n8n's webhook routes hand a node: Node's request with Express's `query`, `body` and n8n's `rawBody`. */
type WebhookRequest = http.IncomingMessage & {
	query: IDataObject;
	body: unknown;
	rawBody?: Buffer;
	readRawBody?: () => Promise<void>;
};

const json = (response: http.ServerResponse, status: number, body: unknown) => {
	response.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
	response.end(JSON.stringify(body));
};

/**
 * The part of the n8n server that serves webhooks, over real HTTP on
 * 127.0.0.1: activation and deactivation run a node's webhookMethods in
 * n8n-core's HookContext, each request runs its `webhook()` in a
 * WebhookContext, and the items it returns start a workflow in n8n-core's
 * WorkflowExecute. Static data is kept as JSON between requests, as the
 * server keeps it in its database.
 */
export class TestWebhookServer {
	readonly executions: WebhookExecution[] = [];

	/** How long n8n takes, after answering a delivery, to run its execution's first step: more under CPU load. */
	executionStartDelayMs = 0;

	/** How many of the next executions n8n fails to start after answering, as when the process dies in between. */
	executionsThatNeverStart = 0;

	/** What a node's webhook() threw; n8n answers such a request with 500. */
	readonly webhookErrors: Error[] = [];

	private readonly registrations = new Map<string, Registration>();

	/** Requests being handled, their executions included. */
	private readonly inFlight = new Set<Promise<void>>();

	private readonly workflows = new Map<string, SavedWorkflow>();

	private constructor(
		private readonly n8n: TestN8n,
		private readonly server: http.Server,
	) {}

	static async start(n8n: TestN8n): Promise<TestWebhookServer> {
		let instance: TestWebhookServer | undefined;
		const server = http.createServer((request, response) => {
			if (!instance) return;
			const handling = instance.handle(request as WebhookRequest, response);
			instance.inFlight.add(handling);
			void handling.finally(() => instance?.inFlight.delete(handling));
		});
		await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
		instance = new TestWebhookServer(n8n, server);
		n8n.instanceUrl = instance.url;
		return instance;
	}

	get url(): string {
		return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	/** Saves the workflow and activates it: each webhook node's checkExists, then create when it says so. */
	async activate(json: WorkflowJson, id: string = randomUUID()): Promise<string> {
		const saved = this.workflows.get(id) ?? { id, json, staticData: {} };
		saved.json = json;
		this.workflows.set(id, saved);
		await this.addWebhooks(saved, false);
		return id;
	}

	/** Runs each webhook node's delete and stops serving the workflow's production URLs. */
	async deactivate(id: string): Promise<void> {
		await this.removeWebhooks(id, false);
	}

	/**
	 * The editor's "Listen for test event": n8n registers the test URLs with
	 * an inactive copy of the workflow and empty static data, serves one call,
	 * then removes them again.
	 */
	async listenForTestEvent(json: WorkflowJson, id: string): Promise<void> {
		await this.addWebhooks({ id, json, staticData: {} }, true);
	}

	/** The editor's "Stop listening", or n8n's two-minute timeout. */
	async stopListening(id: string): Promise<void> {
		await this.removeWebhooks(id, true);
	}

	webhookUrl(id: string, nodeName: string, test = false): string {
		const registration = [...this.registrations.values()].find(
			(candidate) =>
				candidate.workflow.id === id && candidate.node.name === nodeName && Boolean(candidate.webhookData.isTest) === test,
		);
		if (!registration) throw new Error(`No ${test ? 'test' : 'production'} webhook for ${nodeName} in workflow ${id}`);
		return this.urlOf(registration.workflow, registration.node, registration.webhookData.path, test);
	}

	staticData(id: string): IDataObject {
		return structuredClone(this.workflows.get(id)?.staticData ?? {});
	}

	executionsOf(id: string): WebhookExecution[] {
		return this.executions.filter((execution) => execution.workflowId === id);
	}

	/** Waits until every request received so far is answered and every execution it started has finished. */
	async settled(): Promise<void> {
		while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
	}

	/** Waits until the workflow has at least `count` finished executions. */
	async waitForExecutions(id: string, count: number, timeoutMs = 10_000): Promise<WebhookExecution[]> {
		const deadline = Date.now() + timeoutMs;
		while (this.executionsOf(id).length < count) {
			if (Date.now() > deadline) {
				throw new Error(`Workflow ${id} has ${this.executionsOf(id).length} executions, expected ${count}`);
			}
			await new Promise((resolve) => setTimeout(resolve, 20));
		}
		return this.executionsOf(id);
	}

	async close(): Promise<void> {
		this.server.closeAllConnections();
		await new Promise((resolve) => this.server.close(resolve));
	}

	private liveWorkflow(saved: SavedWorkflow, test: boolean): Workflow {
		return new Workflow({
			id: saved.id,
			nodes: saved.json.nodes,
			connections: saved.json.connections,
			active: !test,
			nodeTypes: this.n8n.nodeTypes,
			staticData: structuredClone(saved.staticData),
		});
	}

	private workflowData(saved: SavedWorkflow): IWorkflowBase {
		return { id: saved.id, name: 'test', ...saved.json } as unknown as IWorkflowBase;
	}

	private urlOf(saved: SavedWorkflow, node: INode, path: string, test: boolean): string {
		const base = `${this.url}/${test ? 'webhook-test' : 'webhook'}`;
		return NodeHelpers.getNodeWebhookUrl(base, saved.id, node, path, false);
	}

	private webhookNodes(saved: SavedWorkflow) {
		return saved.json.nodes.flatMap((node) => {
			const type = this.n8n.nodeTypes.getByNameAndVersion(node.type);
			return (type.description.webhooks ?? []).map((description) => ({ node, type, description }));
		});
	}

	private async addWebhooks(saved: SavedWorkflow, test: boolean): Promise<void> {
		const workflow = this.liveWorkflow(saved, test);
		const additionalData = this.n8n.additionalData(this.workflowData(saved));
		for (const { node, type, description } of this.webhookNodes(saved)) {
			const webhookData: IWebhookData = {
				httpMethod: description.httpMethod as IHttpRequestMethods,
				node: node.name,
				path: String(description.path),
				webhookDescription: description,
				workflowId: saved.id,
				workflowExecuteAdditionalData: additionalData,
				webhookId: node.webhookId,
				isTest: test,
			};
			const methods = type.webhookMethods?.[description.name];
			if (methods) {
				const context = new HookContext(
					workflow,
					node,
					additionalData,
					test ? 'manual' : 'trigger',
					test ? 'manual' : 'activate',
					webhookData,
				);
				if (!(await methods.checkExists.call(context))) await methods.create.call(context);
			}
			this.registrations.set(new URL(this.urlOf(saved, node, webhookData.path, test)).pathname, {
				workflow: saved,
				node,
				webhookData,
			});
		}
		if (!test) saved.staticData = asStored(workflow.staticData);
	}

	private async removeWebhooks(id: string, test: boolean): Promise<void> {
		for (const [path, registration] of this.registrations) {
			if (registration.workflow.id !== id || Boolean(registration.webhookData.isTest) !== test) continue;
			this.registrations.delete(path);
			const workflow = this.liveWorkflow(registration.workflow, test);
			const type = this.n8n.nodeTypes.getByNameAndVersion(registration.node.type);
			const methods = type.webhookMethods?.[registration.webhookData.webhookDescription.name];
			if (!methods) continue;
			const additionalData = this.n8n.additionalData(this.workflowData(registration.workflow));
			const context = new HookContext(
				workflow,
				registration.node,
				additionalData,
				'internal',
				'update',
				registration.webhookData,
			);
			await methods.delete.call(context);
		}
	}

	private async handle(request: WebhookRequest, response: http.ServerResponse): Promise<void> {
		const url = new URL(request.url ?? '/', this.url);
		const registration = this.registrations.get(url.pathname);
		if (!registration || registration.webhookData.httpMethod !== request.method) {
			request.resume();
			json(response, 404, { message: `The requested webhook "${request.method} ${url.pathname}" is not registered.` });
			return;
		}
		request.query = Object.fromEntries(url.searchParams);
		const contentType = request.headers['content-type'];
		if (contentType?.startsWith('multipart/')) {
			// n8n reads a multipart body with its form parser: fields, and no raw bytes for the node.
			await readBody(request);
			request.body = {};
		} else if (registration.node.typeVersion > 1 && !isParsableContentType(contentType)) {
			// From typeVersion 1.1, n8n leaves a body it cannot parse unread, for the node to read if it wants it.
			request.readRawBody = async () => {
				if (request.rawBody !== undefined) return;
				const rawBody = await readBody(request);
				if (rawBody === undefined) throw Object.assign(new Error('request entity too large'), { status: 413 });
				request.rawBody = rawBody;
			};
		} else {
			const rawBody = await readBody(request);
			if (rawBody === undefined) {
				json(response, 413, { message: 'Request Entity Too Large' });
				return;
			}
			request.rawBody = rawBody;
			try {
				request.body = parseBody(contentType, rawBody);
			} catch {
				// n8n's body parser refuses broken JSON before any node sees it.
				json(response, 422, { message: 'Failed to parse request body' });
				return;
			}
		}

		const test = Boolean(registration.webhookData.isTest);
		const started = await this.runWebhook(registration, request, response, test);
		// n8n keeps a test URL until a call starts an execution.
		if (test && started) await this.removeWebhooks(registration.workflow.id, true);
	}

	/**
	 * One request, in the order n8n's LiveWebhooks and executeWebhook take
	 * it. Static data is saved from the response callback, and only when
	 * the node changed it. A node that answers itself (`noWebhookResponse`)
	 * gets the callback before the execution starts; otherwise, as in n8n
	 * 2.x, the execution's Workflow is built first, on the same static data
	 * object, which clears its change flag. When the execution ends, what
	 * it changed is saved too. Returns whether an execution ran.
	 */
	private async runWebhook(
		{ workflow: saved, node, webhookData }: Registration,
		request: WebhookRequest,
		response: http.ServerResponse,
		test: boolean,
	): Promise<boolean> {
		const mode: WorkflowExecuteMode = test ? 'manual' : 'webhook';
		const staticData = structuredClone(saved.staticData);
		const workflowFor = () =>
			new Workflow({
				id: saved.id,
				nodes: saved.json.nodes,
				connections: saved.json.connections,
				active: !test,
				nodeTypes: this.n8n.nodeTypes,
				staticData,
			});
		const workflow = workflowFor();
		const additionalData = this.n8n.additionalData(this.workflowData(saved), randomUUID(), mode);
		additionalData.httpRequest = request as never;
		additionalData.httpResponse = response as never;
		const type = this.n8n.nodeTypes.getByNameAndVersion(node.type);
		const context = new WebhookContext(workflow, node, additionalData, mode, webhookData, [], null);

		let result;
		try {
			result = await type.webhook!.call(context);
		} catch (error) {
			this.webhookErrors.push(error as Error);
			if (!response.headersSent) json(response, 500, { message: 'Error in workflow' });
			return false;
		}
		const respond = () => {
			if (!test && (staticData as { __dataChanged?: boolean }).__dataChanged) saved.staticData = asStored(staticData);
			if (result.noWebhookResponse || response.headersSent) return;
			const started = result.workflowData !== undefined;
			json(response, 200, result.webhookResponse ?? { message: started ? 'Workflow was started' : 'Webhook call received' });
		};
		const answersFirst = result.noWebhookResponse === true || result.workflowData === undefined;
		if (answersFirst) respond();
		if (result.workflowData === undefined) return false;
		const executionWorkflow = workflowFor();
		if (!answersFirst) respond();
		if (this.executionsThatNeverStart > 0) {
			this.executionsThatNeverStart--;
			return false;
		}
		if (this.executionStartDelayMs > 0) await new Promise((resolve) => setTimeout(resolve, this.executionStartDelayMs));
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node, data: { main: result.workflowData }, source: null }] },
		});
		const run = await new WorkflowExecute(additionalData, mode, runExecutionData).processRunExecutionData(executionWorkflow);
		// What n8n's workflowExecuteAfter hook does: save what the execution changed (not in manual runs).
		if (!test && (staticData as { __dataChanged?: boolean }).__dataChanged) saved.staticData = asStored(staticData);
		this.executions.push({
			workflowId: saved.id,
			mode,
			run,
			output: (nodeName) => run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? [],
		});
		return true;
	}
}

/** Static data as n8n's database gives it back: JSON, without the live object's proxies. */
const asStored = (staticData: IDataObject): IDataObject => JSON.parse(JSON.stringify(staticData)) as IDataObject;

/** The body, or undefined once it passes n8n's payload limit. */
async function readBody(request: http.IncomingMessage): Promise<Buffer | undefined> {
	const chunks: Buffer[] = [];
	let size = 0;
	for await (const chunk of request) {
		size += (chunk as Buffer).length;
		if (size > N8N_PAYLOAD_LIMIT_BYTES) {
			request.resume();
			return undefined;
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** The content types n8n's webhook body parser reads for nodes of typeVersion 1.1 and later. */
function isParsableContentType(contentType: string | undefined): boolean {
	if (!contentType) return false;
	return (
		['application/json', 'text/plain', 'application/x-www-form-urlencoded'].some((type) => contentType.startsWith(type)) ||
		contentType.endsWith('/xml') ||
		contentType.endsWith('+xml')
	);
}

/** JSON bodies parsed, and refused with a throw when broken, as n8n's body parser does; other types left to the node. */
function parseBody(contentType: string | undefined, rawBody: Buffer): unknown {
	if (!contentType?.includes('json') || rawBody.length === 0) return {};
	return JSON.parse(rawBody.toString('utf8')) as unknown;
}
