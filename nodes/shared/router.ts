import type { IExecuteFunctions, INodeExecutionData } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** What a node's operation module exports for the router: its `execute`, run once for all input items. */
export interface Operation {
	execute(this: IExecuteFunctions, items: INodeExecutionData[]): Promise<INodeExecutionData[]>;
}

/**
 * Every resource of a node, with every one of its operations. `Map` names the
 * node's resource/operation pairs (its node.type.ts, as in n8n's Airtable v2
 * node), so a resource or an operation left out or misspelt does not compile.
 */
export type Routes<Map> = { [Resource in keyof Map]: Record<Map[Resource] & string, Operation> };

/** Runs the operation the node's Resource and Operation parameters name. */
export async function route<Map>(this: IExecuteFunctions, routes: Routes<Map>): Promise<INodeExecutionData[][]> {
	const resource = this.getNodeParameter('resource', 0) as string;
	const operation = this.getNodeParameter('operation', 0) as string;
	const operations: Record<string, Operation> | undefined = Object.hasOwn(routes, resource)
		? routes[resource as keyof Map]
		: undefined;
	const handler = operations && Object.hasOwn(operations, operation) ? operations[operation] : undefined;
	if (!handler) {
		throw new NodeOperationError(this.getNode(), `The operation "${operation}" of "${resource}" is not supported`);
	}
	return [await handler.execute.call(this, this.getInputData())];
}
