import { createReadStream, readFileSync } from 'node:fs';

import type {
	IBinaryData,
	IExecuteFunctions,
	INodeType,
	INodeTypes,
	IVersionedNodeType,
	INodeExecutionData,
	INodeTypeDescription,
	IDataObject,
} from 'n8n-workflow';
import { NodeConnectionTypes } from 'n8n-workflow';

import { Alovoice } from '../../packages/n8n-nodes-alovoice/nodes/Alovoice/Alovoice.node';
import { OmiAi } from '../../nodes/OmiAi/OmiAi.node';
import { OmiAiTrigger } from '../../nodes/OmiAiTrigger/OmiAiTrigger.node';
import { OmiCallTrigger } from '../../nodes/OmiCallTrigger/OmiCallTrigger.node';

/** A file to attach to a test item as its `data` binary, read from disk as n8n's Read File node would. */
export interface TestFile {
	path: string;
	fileName?: string;
	mimeType?: string;
	property?: string;
	/**
	 * Kept in the item as base64, as n8n's default binary mode does, instead of
	 * in the binary store; `wrapped` breaks the base64 into 76-character lines.
	 */
	inline?: 'plain' | 'wrapped';
}

function inlineBinary(file: TestFile): IBinaryData {
	const base64 = readFileSync(file.path).toString('base64');
	return {
		data: file.inline === 'wrapped' ? (base64.match(/.{1,76}/g) ?? []).join('\r\n') : base64,
		mimeType: file.mimeType ?? 'application/octet-stream',
		fileName: file.fileName,
	};
}

/**
 * Stands in for n8n's Manual Trigger followed by a Code node: starts the
 * workflow and emits the items given in its `items` parameter. An item's
 * `$file` becomes binary data in n8n's binary store.
 */
class TestItems implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Items',
		name: 'testItems',
		group: ['input'],
		version: 1,
		description: 'Emits fixed items (test only)',
		defaults: { name: 'Start' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		properties: [{ displayName: 'Items', name: 'items', type: 'json', default: '[{}]' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const raw = this.getNodeParameter('items', 0) as string | IDataObject[];
		const items = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Array<IDataObject & { $file?: TestFile }>;
		const output: INodeExecutionData[] = [];
		for (const { $file, ...json } of items) {
			const item: INodeExecutionData = { json, pairedItem: { item: 0 } };
			if ($file) {
				const binary = $file.inline
					? inlineBinary($file)
					: await this.helpers.prepareBinaryData(createReadStream($file.path), $file.fileName, $file.mimeType);
				if ($file.fileName !== undefined) binary.fileName = $file.fileName;
				item.binary = { [$file.property ?? 'data']: binary };
			}
			output.push(item);
		}
		return [output];
	}
}

export const TEST_ITEMS_TYPE = 'test.items';

/**
 * Stands in for n8n's Loop Over Items (Split in Batches v3): the first run
 * keeps its input and sends the first batch to the "loop" output; every run
 * after it, fed back by the loop's last node, sends the next batch, and the
 * run after the last batch puts every item that came back on "done".
 */
class TestLoop implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Test Loop',
		name: 'testLoop',
		group: ['transform'],
		version: 1,
		description: 'Loops over items in batches (test only)',
		defaults: { name: 'Loop Over Items' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main, NodeConnectionTypes.Main],
		outputNames: ['done', 'loop'],
		properties: [{ displayName: 'Batch Size', name: 'batchSize', type: 'number', default: 1 }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		const state = this.getContext('node') as { pending?: INodeExecutionData[]; returned?: INodeExecutionData[] };
		const batchSize = this.getNodeParameter('batchSize', 0) as number;
		const input = this.getInputData();
		if (state.pending === undefined) {
			state.pending = input.map((item, index) => ({ json: item.json, pairedItem: { item: index } }));
			state.returned = [];
		} else {
			state.returned!.push(...input.map((item) => ({ json: item.json })));
		}
		if (state.pending.length === 0) {
			const done = state.returned!.map((item, index) => ({ ...item, pairedItem: { item: index } }));
			state.pending = undefined;
			state.returned = undefined;
			return [done, []];
		}
		return [[], state.pending.splice(0, batchSize)];
	}
}

export const TEST_LOOP_TYPE = 'test.loop';

/** The node types a test workflow can use, under the names n8n gives them. */
export const nodeTypeRegistry: Record<string, INodeType> = {
	[TEST_ITEMS_TYPE]: new TestItems(),
	[TEST_LOOP_TYPE]: new TestLoop(),
	'n8n-nodes-omicall.omiAi': new OmiAi(),
	'n8n-nodes-omicall.omiAiTrigger': new OmiAiTrigger(),
	'n8n-nodes-omicall.omiCallTrigger': new OmiCallTrigger(),
	'n8n-nodes-alovoice.alovoice': new Alovoice(),
};

export class TestNodeTypes implements INodeTypes {
	constructor(private readonly extra: Record<string, INodeType> = {}) {}

	getByName(nodeType: string): INodeType | IVersionedNodeType {
		return this.getByNameAndVersion(nodeType);
	}

	getByNameAndVersion(nodeType: string): INodeType {
		const type = this.extra[nodeType] ?? nodeTypeRegistry[nodeType];
		if (!type) throw new Error(`Unknown node type in test workflow: ${nodeType}`);
		return type;
	}

	getKnownTypes() {
		return {};
	}
}
