import { randomUUID } from 'node:crypto';

import { PollContext, WorkflowExecute } from 'n8n-core';
import type { IDataObject, INode, INodeExecutionData, IRun, IWorkflowBase, WorkflowActivateMode } from 'n8n-workflow';
import { Workflow, createRunExecutionData } from 'n8n-workflow';

import type { TestN8n, WorkflowJson } from './engine';
import { runWorkflow } from './engine';

export interface PollExecution {
	run: IRun;
	/** The items a node put out on its first output. */
	output(nodeName: string): INodeExecutionData[];
}

const asStored = (staticData: IDataObject): IDataObject => JSON.parse(JSON.stringify(staticData)) as IDataObject;

/**
 * The part of the n8n server that runs a polling trigger, as its active
 * workflow manager does: activation runs one poll whose failure fails the
 * activation and then saves the static data; each scheduled poll runs the
 * node's `poll()` in n8n-core's PollContext on the live workflow, whose
 * static data stays in memory between polls; items it returns are emitted,
 * which saves the static data and starts an execution in n8n-core's
 * WorkflowExecute; a failed poll is reported and changes nothing saved.
 * A restart throws the live workflow away: only saved static data survives.
 */
export class TestPoller {
	readonly executions: PollExecution[] = [];

	/** What polls threw (n8n reports them as trigger errors). */
	readonly pollErrors: Error[] = [];

	private saved: IDataObject = {};

	private live: Workflow | undefined;

	constructor(
		private readonly n8n: TestN8n,
		private readonly json: WorkflowJson,
		readonly id: string = randomUUID(),
	) {}

	private get triggerNode(): INode {
		const node = this.json.nodes.find((candidate) => this.n8n.nodeTypes.getByNameAndVersion(candidate.type).poll);
		if (!node) throw new Error('The workflow has no polling trigger');
		return node;
	}

	private workflowData(): IWorkflowBase {
		return { id: this.id, name: 'poll test', nodes: this.json.nodes, connections: this.json.connections } as unknown as IWorkflowBase;
	}

	private workflow(active: boolean, staticData: IDataObject): Workflow {
		return new Workflow({
			id: this.id,
			nodes: this.json.nodes,
			connections: this.json.connections,
			active,
			nodeTypes: this.n8n.nodeTypes,
			staticData,
			settings: this.json.settings,
		});
	}

	/** Activation (or n8n starting with the workflow active): one poll that must succeed, then a save. */
	async activate(mode: WorkflowActivateMode = 'activate'): Promise<PollExecution | undefined> {
		this.live = this.workflow(true, structuredClone(this.saved));
		const execution = await this.runPoll(mode, true);
		this.save();
		return execution;
	}

	/** One scheduled poll. Resolves once the execution it started has finished. */
	async poll(): Promise<PollExecution | undefined> {
		if (!this.live) throw new Error('The workflow is not active');
		return await this.runPoll('activate', false);
	}

	/** n8n stopped and started again: the in-memory workflow is gone, the saved static data is read back. */
	async restart(): Promise<PollExecution | undefined> {
		this.live = undefined;
		return await this.activate('init');
	}

	staticData(): IDataObject {
		return structuredClone(this.saved);
	}

	/** The editor's Fetch Test Event: the trigger alone, in manual mode, on a copy without static data. */
	async fetchTestEvent(): Promise<IRun> {
		const workflow = this.workflow(false, {});
		const node = this.triggerNode;
		return await runWorkflow(
			new WorkflowExecute(this.n8n.additionalData(this.workflowData(), randomUUID(), 'manual'), 'manual'),
			workflow,
			node,
			{ nodeName: node.name, mode: 'inclusive' },
		);
	}

	private save(): void {
		const staticData = this.live!.staticData as IDataObject & { __dataChanged?: boolean };
		if (staticData.__dataChanged) {
			this.saved = asStored(staticData);
			staticData.__dataChanged = false;
		}
	}

	private async runPoll(activation: WorkflowActivateMode, failActivation: boolean): Promise<PollExecution | undefined> {
		const workflow = this.live!;
		const node = this.triggerNode;
		const additionalData = this.n8n.additionalData(this.workflowData(), randomUUID(), 'trigger');
		const context = new PollContext(workflow, node, additionalData, 'trigger', activation);
		let items: INodeExecutionData[][] | null;
		try {
			items = await this.n8n.nodeTypes.getByNameAndVersion(node.type).poll!.call(context);
		} catch (error) {
			if (failActivation) throw error;
			this.pollErrors.push(error as Error);
			return undefined;
		}
		if (items === null) return undefined;
		// What n8n's emit does first: save the static data, then start the execution.
		this.save();
		const runExecutionData = createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node, data: { main: items }, source: null }] },
		});
		const run = await new WorkflowExecute(additionalData, 'trigger', runExecutionData).processRunExecutionData(
			this.workflow(true, structuredClone(this.saved)),
		);
		const execution: PollExecution = {
			run,
			output: (nodeName) => run.data.resultData.runData[nodeName]?.[0]?.data?.main?.[0] ?? [],
		};
		this.executions.push(execution);
		return execution;
	}
}
