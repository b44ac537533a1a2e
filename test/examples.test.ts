import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { INode } from 'n8n-workflow';

import { omiWorkflow } from './harness/engine';
import { nodeTypeRegistry } from './harness/nodeTypes';
import { n8nWithOmiCredential, useSandbox } from './harness/sandbox';

const folder = join(__dirname, '..', 'examples');
const examples = readdirSync(folder)
	.filter((file) => file.endsWith('.json'))
	.map((file) => ({ file, workflow: JSON.parse(readFileSync(join(folder, file), 'utf8')) as { nodes: INode[] } }));

const ourNodes = examples.flatMap(({ file, workflow }) =>
	workflow.nodes.filter((node) => node.type.startsWith('n8n-nodes-omicall.')).map((node) => ({ file, node })),
);

describe('examples/', () => {
	const sandbox = useSandbox();

	it.each(ourNodes.map(({ file, node }) => [file, node.name, node]))(
		'%s › "%s" uses only parameters the node has',
		(_file, _name, node) => {
			const type = nodeTypeRegistry[(node as INode).type];
			expect(type).toBeDefined();
			const known = new Set(type.description.properties.map((property) => property.name));
			expect(Object.keys((node as INode).parameters).filter((name) => !known.has(name))).toEqual([]);
		},
	);

	it('the campaign example starts a session in the sandbox with the example contacts', async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		const start = ourNodes.find(({ node }) => node.name === 'Start campaign')?.node as INode;
		const contacts = [
			{ phone: '+84 912 345 678', name: 'Nguyễn Văn An', debt: '5.000.000', crmId: 'C-1001' },
			{ phone: '0987.654.321', name: 'Trần Thị Bình', debt: '12.500.000', crmId: 'C-1002' },
			{ phone: '0903 111 222', name: 'Lê Văn Cường', debt: '800.000', crmId: 'C-1003' },
		];

		const result = await n8n.run(omiWorkflow(contacts, start.parameters, credential));

		expect(result.error).toBeUndefined();
		expect(result.output('OMI AI')[0].json).toMatchObject({ contactsSent: 3, errors: [] });
		const [session] = sandbox().control.sessions();
		expect(session.body).toMatchObject({
			contact_info: [
				{ phone: '0912345678', ext_contact_code: 'C-1001', mapping_variables: { customer_name: 'Nguyễn Văn An' } },
				{ phone: '0987654321', ext_contact_code: 'C-1002', mapping_variables: { debt_amount: '12.500.000' } },
				{ phone: '0903111222', ext_contact_code: 'C-1003' },
			],
		});
	});
});
