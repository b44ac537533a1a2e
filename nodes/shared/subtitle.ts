import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * The canvas subtitle of a node with resources and operations: what the
 * chosen operation does, in the words of its action ("Analyze a call
 * recording"), instead of the internal values ("analyzeCall: recording").
 * Operation values repeat across resources (Get Many of calls and of
 * scripts), so the text is looked up by resource and operation together.
 */
export function operationSubtitle(properties: INodeProperties[]): string {
	const actions: Record<string, string> = {};
	for (const property of properties) {
		if (property.name !== 'operation' || property.type !== 'options') continue;
		for (const resource of property.displayOptions?.show?.resource ?? []) {
			for (const option of (property.options ?? []) as INodePropertyOptions[]) {
				actions[`${String(resource)}:${String(option.value)}`] = option.action ?? option.name;
			}
		}
	}
	return `={{ ${JSON.stringify(actions)}[$parameter["resource"] + ":" + $parameter["operation"]] }}`;
}
