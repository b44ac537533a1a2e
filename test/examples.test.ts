import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { IConnections, INode } from 'n8n-workflow';

import { omiWorkflow } from './harness/engine';
import { nodeTypeRegistry } from './harness/nodeTypes';
import { TestPoller } from './harness/poller';
import { n8nWithOmiCredential, useSandbox } from './harness/sandbox';

const folder = join(__dirname, '..', 'examples');
const exampleFile = (file: string) => examples.find((example) => example.file === file)!.workflow as { nodes: INode[]; connections: IConnections };

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
			// An AI agent's or MCP server's tool is the node itself under its type name plus "Tool".
			const type = nodeTypeRegistry[(node as INode).type.replace(/Tool$/, '')];
			expect(type).toBeDefined();
			const known = new Set(type.description.properties.map((property) => property.name));
			// n8n adds the schedule to every polling node itself.
			if (type.description.polling) known.add('pollTimes');
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

	it('the automatic QA example analyzes each answered call with a recording and 20 s of talk, by its call ID', async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		const workflow = structuredClone(exampleFile('omi-auto-qa.json'));
		for (const node of workflow.nodes) if (node.credentials?.omiCallApi) node.credentials.omiCallApi = credential;
		const poller = new TestPoller(n8n, workflow);
		await poller.activate();
		const [answered, , , , lateRecording] = sandbox().control.addCalls([
			{ talkSeconds: 45 },
			{ answered: false },
			{ recording: false },
			{ talkSeconds: 19 },
			{ talkSeconds: 30, recordingAfterMs: 300 },
		]);

		await poller.poll();
		await new Promise((resolve) => setTimeout(resolve, 350));
		await poller.poll();

		const uploads = sandbox().control.uploads();
		expect(uploads.map((upload) => [upload.endpoint, upload.trackingId])).toEqual([
			['call_analyze', answered.id],
			['call_analyze', lateRecording.id],
		]);
		// The recording the sandbox serves for a 45 s call: a WAV header and 45 s of 8 kHz 16-bit audio.
		expect(uploads[0].size).toBe(44 + 45 * 8000 * 2);
	});

	it("the QA alert example's call lookup finds the agent, the customer phone and the call time by the tracking ID", async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		const lookup = exampleFile('omi-qa-alert.json').nodes.find((node) => node.name === 'Look up the call')!;
		const [call] = sandbox().control.addCalls([{ agentExtension: '103', customerPhone: '0987654321' }]);

		const result = await n8n.run(omiWorkflow([{ trackingId: call.id, qa: { staffScore: 55 } }], lookup.parameters, credential));

		expect(result.output('OMI AI')[0].json).toEqual(
			expect.objectContaining({
				agent: { name: 'Lê Hoàng Yến', extension: '103' },
				customer: expect.objectContaining({ phone: '0987654321' }),
				// OMI gives the call's times in whole seconds.
				startedAt: new Date(Math.floor(call.startedAt / 1000) * 1000).toISOString(),
			}),
		);
	});
});
