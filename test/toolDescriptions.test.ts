import type { INodeProperties, INodeTypeDescription } from 'n8n-workflow';
import { NodeHelpers } from 'n8n-workflow';

import { OmiAi } from '../nodes/OmiAi/OmiAi.node';

const node = new OmiAi().description;
/** The node as n8n offers it to an AI Agent: the same description under the type name plus "Tool". */
const asTool: INodeTypeDescription = { ...node, name: `${node.name}Tool` };

const optionsOf = (name: string, shownFor: Record<string, string>) =>
	node.properties
		.filter((property) => property.name === name && NodeHelpers.displayParameter(shownFor, property, { typeVersion: 1 }, node))
		.flatMap((property) => (property.options ?? []) as Array<{ value: string }>)
		.map((option) => option.value);

const pairs = optionsOf('resource', {}).flatMap((resource) => optionsOf('operation', { resource }).map((operation) => ({ resource, operation })));

const descriptionsShown = (description: INodeTypeDescription, parameters: Record<string, string>): INodeProperties[] =>
	description.properties.filter(
		(property) => property.name === 'toolDescription' && NodeHelpers.displayParameter(parameters, property, { typeVersion: 1 }, description),
	);

describe('OMI AI as a tool', () => {
	it('has operations to check', () => {
		expect(pairs.length).toBeGreaterThanOrEqual(10);
	});

	it.each(pairs.map(({ resource, operation }) => [`${resource} › ${operation}`, resource, operation]))(
		'%s: one Description for the model, saying what it returns or does, shown only when the node is a tool',
		(_label, resource, operation) => {
			const shown = descriptionsShown(asTool, { resource, operation });
			expect(shown).toHaveLength(1);
			// More than n8n's "<action> in OMI AI": what comes back, or what it sets off.
			expect(String(shown[0].default)).toMatch(/Returns|places real phone calls|replacing the previous one/);
			expect(String(shown[0].default).length).toBeGreaterThan(100);
			expect(descriptionsShown(node, { resource, operation })).toHaveLength(0);
		},
	);
});
