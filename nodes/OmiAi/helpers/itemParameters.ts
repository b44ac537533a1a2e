import type { IDataObject, IExecuteFunctions, INode, INodeExecutionData, INodeParameters } from 'n8n-workflow';

import { directValue } from '../../omi/n8n';

/**
 * n8n runs every expression in its sandboxed engine, about 0.6 ms each on n8n
 * 2.x: a campaign of 10,000 contacts with four mapped fields spent 27 s there.
 * Almost every mapping is a field dragged from the input panel, which means
 * "this field of this item", so such values are read from the item itself;
 * any other expression, and any value that is an object, still goes through
 * n8n, which gives the same result.
 */
export class ItemParameters {
	/** n8n hands out a deep copy of the node on every getNode() call, so it is read once. */
	readonly node: INode;

	private readonly parameters: INodeParameters;

	constructor(private readonly context: IExecuteFunctions) {
		this.node = context.getNode();
		this.parameters = this.node.parameters;
	}

	value(name: string, item: INodeExecutionData, itemIndex: number): unknown {
		const direct = directValue(this.parameters[name], item.json);
		return direct ? direct.value : this.context.getNodeParameter(name, itemIndex, '');
	}

	/**
	 * The fields of a collection-like parameter (a resource mapper's `value`), or
	 * undefined when one of them needs n8n; the caller then reads the whole parameter.
	 */
	fields(name: string, key: string, item: INodeExecutionData): IDataObject | undefined {
		const container = this.parameters[name] as IDataObject | undefined;
		const raw = container?.[key];
		if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return undefined;
		const fields: IDataObject = {};
		for (const [field, expression] of Object.entries(raw)) {
			const direct = directValue(expression, item.json);
			if (!direct) return undefined;
			fields[field] = direct.value as IDataObject[string];
		}
		return fields;
	}

	/** The raw, unevaluated parameter, for settings that hold no expressions (noDataExpression). */
	raw(name: string): unknown {
		return this.parameters[name];
	}
}
