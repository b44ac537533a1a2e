import type { INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/**
 * The canvas subtitle of a node with resources and operations: what the
 * chosen operation does, in the words of its action ("Analyze a call
 * recording"), instead of the internal values ("analyzeCall: recording").
 * Operation values are unique across a node's resources, so the operation
 * alone picks the text.
 */
export function operationSubtitle(properties: INodeProperties[]): string {
	const actions: Record<string, string> = {};
	for (const property of properties) {
		if (property.name !== 'operation' || property.type !== 'options') continue;
		for (const option of (property.options ?? []) as INodePropertyOptions[]) {
			actions[String(option.value)] = option.action ?? option.name;
		}
	}
	return `={{ ${JSON.stringify(actions)}[$parameter["operation"]] }}`;
}
