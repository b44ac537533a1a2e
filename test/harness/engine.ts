import { randomUUID } from 'node:crypto';

import {
	ExecuteContext,
	ExecutionLifecycleHooks,
	LoadOptionsContext,
	RoutingNode,
	WorkflowExecute,
} from 'n8n-core';
import type {
	ICredentialTestRequest,
	IConnections,
	IDataObject,
	INode,
	INodeCredentialsDetails,
	INodeExecutionData,
	INodeListSearchResult,
	INodeParameters,
	INodeType,
	IRun,
	IRunExecutionData,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	IWorkflowSettings,
	ResourceMapperFields,
	WorkflowExecuteMode,
} from 'n8n-workflow';
import { Workflow } from 'n8n-workflow';

import { TestCredentialsHelper, credentialTypes } from './credentials';
import { TEST_ITEMS_TYPE, TestNodeTypes } from './nodeTypes';

export const OMI_NODE_TYPE = 'n8n-nodes-omicall.omiAi';

/**
 * WorkflowExecute.run of the n8n-core loaded: 1.x takes (workflow, startNode, destination),
 * 2.x one object; the fast suite runs on both (jest.config.js, jest.n8n2.config.js).
 */
export function runWorkflow(
	executor: WorkflowExecute,
	workflow: Workflow,
	startNode?: INode,
	destinationNode?: { nodeName: string; mode: 'inclusive' | 'exclusive' },
): ReturnType<WorkflowExecute['run']> {
	const run = executor.run as unknown as (...args: unknown[]) => ReturnType<WorkflowExecute['run']>;
	return run.length === 1
		? run.call(executor, { workflow, startNode, destinationNode })
		: run.call(executor, workflow, startNode, destinationNode);
}

export interface WorkflowJson {
	nodes: INode[];
	connections: IConnections;
	settings?: IWorkflowSettings;
}

export interface RunResult {
	run: IRun;
	/** The items a node put out on its first output, in its first run. */
	output(nodeName: string): INodeExecutionData[];
	/** The execution's error, if the workflow failed. */
	error: IRun['data']['resultData']['error'];
}

/**
 * An in-process n8n: n8n-core's own WorkflowExecute runs real workflow JSON
 * with our nodes and a credentials helper that behaves like the server's.
 */
export class TestN8n {
	readonly credentials = new TestCredentialsHelper();

	readonly nodeTypes: TestNodeTypes;

	/** Where this n8n says it is reachable; a TestWebhookServer sets it to its own address. */
	instanceUrl = 'http://127.0.0.1:5678';

	constructor(extraNodeTypes: Record<string, INodeType> = {}) {
		this.nodeTypes = new TestNodeTypes(extraNodeTypes);
	}

	additionalData(
		workflowData: IWorkflowBase,
		executionId: string = randomUUID(),
		mode: WorkflowExecuteMode = 'manual',
	): IWorkflowExecuteAdditionalData {
		const instanceUrl = this.instanceUrl;
		return {
			credentialsHelper: this.credentials,
			hooks: new ExecutionLifecycleHooks(mode, executionId, workflowData),
			executionId,
			executeWorkflow: async () => {
				throw new Error('Sub-workflows are not part of these tests');
			},
			getRunExecutionData: async () => undefined,
			currentNodeExecutionIndex: 0,
			restApiUrl: `${instanceUrl}/rest`,
			instanceBaseUrl: `${instanceUrl}/`,
			formWaitingBaseUrl: `${instanceUrl}/form-waiting`,
			webhookBaseUrl: `${instanceUrl}/webhook`,
			webhookWaitingBaseUrl: `${instanceUrl}/webhook-waiting`,
			webhookTestBaseUrl: `${instanceUrl}/webhook-test`,
			variables: {},
			logAiEvent: () => {},
			startRunnerTask: async () => {
				throw new Error('Task runners are not part of these tests');
			},
		} as unknown as IWorkflowExecuteAdditionalData;
	}

	workflow(nodes: INode[], connections: IConnections, id = randomUUID(), settings: IWorkflowSettings = {}): Workflow {
		return new Workflow({ id, nodes, connections, active: false, nodeTypes: this.nodeTypes, settings });
	}

	async run(json: WorkflowJson, executionId?: string): Promise<RunResult> {
		return await this.start(json, executionId).finished;
	}

	/** Starts a workflow and gives what the editor's Stop button does: cancel the running execution. */
	start({ nodes, connections, settings }: WorkflowJson, executionId?: string): { finished: Promise<RunResult>; stop: () => void } {
		const workflow = this.workflow(nodes, connections, undefined, settings);
		const workflowData = { id: workflow.id, name: 'test', nodes, connections } as unknown as IWorkflowBase;
		const start = nodes.find((node) => node.type === TEST_ITEMS_TYPE);
		const execution = runWorkflow(new WorkflowExecute(this.additionalData(workflowData, executionId), 'manual'), workflow, start);
		const finished = (async (): Promise<RunResult> => {
			const run = await execution;
			return {
				run,
				error: run.data.resultData.error,
				output: (nodeName) => run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? [],
			};
		})();
		return { finished, stop: () => execution.cancel() };
	}

	/** Runs a node's listSearch method as the editor does when the user opens a "From list" picker. */
	async listSearch(
		node: INode,
		method: string,
		filter?: string,
	): Promise<INodeListSearchResult> {
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type);
		const search = nodeType.methods?.listSearch?.[method];
		if (!search) throw new Error(`${node.type} has no listSearch method ${method}`);
		return await search.call(this.loadOptionsContext(node, 'parameters.scriptId'), filter);
	}

	/** Runs a node's resourceMapping method as the editor does when it shows a resource mapper's fields. */
	async resourceMapping(node: INode, method: string, parameterPath: string): Promise<ResourceMapperFields> {
		const nodeType = this.nodeTypes.getByNameAndVersion(node.type);
		const loadFields = nodeType.methods?.resourceMapping?.[method];
		if (!loadFields) throw new Error(`${node.type} has no resourceMapping method ${method}`);
		return await loadFields.call(this.loadOptionsContext(node, parameterPath));
	}

	private loadOptionsContext(node: INode, parameterPath: string): LoadOptionsContext {
		return new LoadOptionsContext(
			this.workflow([node], {}),
			node,
			this.additionalData({} as IWorkflowBase),
			parameterPath,
		);
	}

	/**
	 * The editor's "Test" button for a credential, as n8n's CredentialsTester
	 * does it for a `test.request`: a throw-away No-Op node whose only
	 * parameter routes the test request, run by n8n-core's RoutingNode, then
	 * the type's rules checked against the answer.
	 */
	async testCredential(details: INodeCredentialsDetails, type: string): Promise<{ status: string; message: string }> {
		const test = credentialTypes[type].test as ICredentialTestRequest;
		const data = await this.credentials.getDecrypted({}, details, type);
		const probeType: INodeType = {
			description: {
				displayName: 'Temp',
				name: 'noOp',
				group: ['transform'],
				version: 1,
				description: '',
				defaults: {},
				inputs: [],
				outputs: [],
				credentials: [{ name: type, required: true }],
				properties: [
					{ displayName: 'Temp', name: 'temp', type: 'string', routing: { request: test.request }, default: '' },
				],
			},
		};
		const node: INode = {
			id: randomUUID(),
			name: 'Temp-Node',
			type: 'n8n-nodes-base.noOp',
			typeVersion: 1,
			position: [0, 0],
			parameters: { temp: '' },
			credentials: { [type]: details },
		};
		const workflow = new Workflow({
			nodes: [node],
			connections: {},
			active: false,
			nodeTypes: new TestNodeTypes({ 'n8n-nodes-base.noOp': probeType }),
		});
		const runExecutionData = { resultData: { runData: {} } } as IRunExecutionData;
		const inputData = { main: [[{ json: {} }]] };
		const context = new ExecuteContext(
			workflow,
			node,
			this.additionalData({} as IWorkflowBase),
			'internal',
			runExecutionData,
			0,
			[],
			inputData,
			{ node, data: inputData, source: null },
			[],
		);
		let response: INodeExecutionData[][] | undefined;
		try {
			response = await new RoutingNode(context, probeType, { id: details.id ?? '', name: details.name, type, data }).runNode();
		} catch (error) {
			const cause = (error as { cause?: { response?: { status: number; statusText?: string }; code?: string } }).cause;
			if (cause?.response) {
				return { status: 'Error', message: cause.response.statusText || `Received HTTP status code: ${cause.response.status}` };
			}
			if (cause?.code) return { status: 'Error', message: cause.code };
			return { status: 'Error', message: String((error as Error).message) };
		}
		for (const rule of test.rules ?? []) {
			if (rule.type !== 'responseSuccessBody') continue;
			const body = response?.[0]?.[0]?.json as IDataObject | undefined;
			if (body?.[rule.properties.key] === rule.properties.value) {
				return { status: 'Error', message: rule.properties.message };
			}
		}
		return { status: 'OK', message: 'Connection successful!' };
	}
}

/** Which of our nodes a two-node test workflow runs, and under which name and credential. */
interface NodeUnderTest {
	name: string;
	type: string;
	credentialType: string;
}

/** Builds two-node workflows as a user builds them: items in, then the node under test. */
function twoNodeWorkflows({ name, type, credentialType }: NodeUnderTest) {
	return (
		items: IDataObject[],
		parameters: INodeParameters,
		credentials: INodeCredentialsDetails,
		nodeSettings: Partial<INode> = {},
	): WorkflowJson => ({
		nodes: [
			{
				id: randomUUID(),
				name: 'Start',
				type: TEST_ITEMS_TYPE,
				typeVersion: 1,
				position: [0, 0],
				parameters: { items: JSON.stringify(items) },
			},
			{
				id: randomUUID(),
				name,
				type,
				typeVersion: 1,
				position: [200, 0],
				parameters,
				credentials: { [credentialType]: credentials },
				...nodeSettings,
			},
		],
		connections: { Start: { main: [[{ node: name, type: 'main', index: 0 }]] } },
	});
}

export const ALOVOICE_NODE_TYPE = 'n8n-nodes-alovoice.alovoice';

/** Items in, then one OMI AI node. */
export const omiWorkflow = twoNodeWorkflows({ name: 'OMI AI', type: OMI_NODE_TYPE, credentialType: 'omiCallApi' });

/** Items in, then one Alovoice node. */
export const alovoiceWorkflow = twoNodeWorkflows({
	name: 'Alovoice',
	type: ALOVOICE_NODE_TYPE,
	credentialType: 'alovoiceApi',
});
