/**
 * OMI AI as a tool, in a REAL n8n: the AI Agent of examples/omi-ask-about-calls.json
 * driven by a scripted OpenAI-compatible stand-in model (n8n's own OpenAI Chat
 * Model node, its credential's Base URL pointed at the stand-in), and the MCP
 * Server Trigger of examples/omi-mcp-server.json used by the official MCP
 * TypeScript SDK's client. On the n8n the files share (harness/sharedN8n.ts), one per line. Runs on every
 * version in E2E_N8N_VERSIONS (default "2,1").
 */

import { randomUUID } from 'node:crypto';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

import { type Sandbox, startSandbox } from '../../sandbox/server';
import type { N8nVersion } from '../harness/n8nServer';
import { type SharedN8n, sharedN8n } from '../harness/sharedN8n';
import { type ChatRequest, type StandInModel, startStandInModel, toolResults } from '../harness/standInModel';
import { activateWorkflow, createAgentCredentials, createSandboxCredentials, createWorkflow, packedTarballs, stepsWithDiagnostics, until } from '../harness/suite';
import { type Credentials, example } from '../harness/workflows';

const VERSIONS = (process.env.E2E_N8N_VERSIONS ?? '2,1').split(',').map((v) => v.trim()) as N8nVersion[];
const MODEL_KEY = 'sk-stand-in-model-key';
const MCP_TOKEN = 'mcp-client-token-e2e';
const TOOL_NAMES = ['Search_calls', 'Get_call', 'Campaign_logs', 'Analyze_recording'];

/** The calls n8n's agent offers the model, by name, from the first request of a conversation. */
const offeredTools = (request: ChatRequest) => new Map((request.tools ?? []).map((tool) => [tool.function.name, tool.function]));

describe.each(VERSIONS)('n8n %s.x: OMI AI as a tool of the AI Agent and of MCP clients', (version) => {
	let n8n: SharedN8n;
	let sandbox: Sandbox;
	let model: StandInModel;
	let credentials: Credentials;
	let chatUrl = '';
	/** The same agent, its Analyze recording tool set to a binary file as in a workflow built for files. */
	let binaryChatUrl = '';
	const sandboxLog: string[] = [];
	const step = stepsWithDiagnostics(() => n8n, sandboxLog);

	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, log: (line) => sandboxLog.push(line) });
		model = await startStandInModel();
		n8n = await sharedN8n(version, packedTarballs);
		credentials = {
			...(await createSandboxCredentials(n8n, sandbox)),
			...(await createAgentCredentials(n8n, { baseUrl: model.baseUrl, apiKey: MODEL_KEY }, MCP_TOKEN)),
		};
		for (const file of ['omi-ask-about-calls.json', 'omi-mcp-server.json']) {
			const workflow = example(file, { credentials, slackUrl: 'http://127.0.0.1:9/unused', sandboxUrl: sandbox.url });
			await activateWorkflow(n8n, await createWorkflow(n8n, workflow));
			const chatTrigger = workflow.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger');
			if (chatTrigger) chatUrl = `${n8n.baseUrl}/webhook/${chatTrigger.webhookId}/chat`;
		}
		const binary = example('omi-ask-about-calls.json', { credentials, slackUrl: 'http://127.0.0.1:9/unused', sandboxUrl: sandbox.url });
		binary.name += ' (binary file)';
		for (const node of binary.nodes) {
			if (node.type === '@n8n/n8n-nodes-langchain.chatTrigger') node.webhookId = randomUUID();
			if (node.name === 'Analyze recording') node.parameters = { ...node.parameters, source: 'binary', binaryPropertyName: 'data', recordingUrl: undefined };
		}
		await activateWorkflow(n8n, await createWorkflow(n8n, binary));
		binaryChatUrl = `${n8n.baseUrl}/webhook/${binary.nodes.find((node) => node.type === '@n8n/n8n-nodes-langchain.chatTrigger')!.webhookId}/chat`;
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
		await model?.close();
	});

	beforeEach(() => sandbox.control.clearFaults());

	/** Sends one chat message as n8n's chat widget does and returns the agent's answer. */
	async function chat(sessionId: string, chatInput: string, url = chatUrl): Promise<string> {
		const started = model.requests.length;
		const answer = await until(`the chat at ${url} to answer`, async () => {
			const response = await fetch(url, {
				method: 'POST',
				headers: { 'content-type': 'application/json' },
				body: JSON.stringify({ action: 'sendMessage', sessionId, chatInput }),
			});
			if (response.status === 404) return undefined;
			const text = await response.text();
			if (response.status !== 200) throw new Error(`POST ${url}: HTTP ${response.status} ${text}`);
			return JSON.parse(text) as { output?: string };
		});
		expect(model.requests.length).toBeGreaterThan(started);
		return String(answer.output);
	}

	/** Everything the model received in the conversation's last request, tool answers included. */
	const lastConversation = () => JSON.stringify(model.requests.at(-1)?.messages);

	step(
		'offers every OMI tool to the model with its description and the JSON schema of the arguments the model fills',
		async () => {
			model.script(() => ({ content: 'Hello.' }));
			await chat('tools', 'Which tools do you have?');
			const tools = offeredTools(model.requests.at(-1)!);
			expect([...tools.keys()].sort()).toEqual([...TOOL_NAMES].sort());
			const search = tools.get('Search_calls')!;
			expect(search.description).toMatch(/^Search the OMICall call history\. Returns a list of calls, each with its call ID/);
			expect(search.description).toContain('ISO 8601');
			expect(Object.keys(search.parameters.properties ?? {}).sort()).toEqual(
				['agentExtensions', 'customerPhone', 'direction', 'limit', 'startedAfter', 'startedBefore'].sort(),
			);
			expect(search.parameters.properties?.startedAfter).toMatchObject({ type: 'string', description: expect.stringContaining('2026-03-01T08:00:00+07:00') });
			expect(search.parameters.properties?.limit).toMatchObject({ type: 'number' });
			expect(tools.get('Analyze_recording')!.description).toContain('the result is not in this answer');
			expect(tools.get('Get_call')!.description).toMatch(/by its call ID/);
			expect(tools.get('Campaign_logs')!.description).toMatch(/analysed conversation logs/);
			// For the report: what the model reads.
			console.log(`n8n ${version}.x offered:\n${JSON.stringify([...tools.values()], null, 1)}`);
		},
	);

	step(
		"answers with data only the sandbox has, after searching by the model's dates, agent and direction and getting the call by ID",
		async () => {
			const now = Date.now();
			const [wanted] = sandbox.control.addCalls([
				{ agentExtension: '101', direction: 'outbound', customerPhone: '0912000111', talkSeconds: 73, endedAt: now - 60_000 },
				{ agentExtension: '102', direction: 'outbound', customerPhone: '0912000222', endedAt: now - 60_000 },
				{ agentExtension: '101', direction: 'inbound', customerPhone: '0912000333', endedAt: now - 60_000 },
				{ agentExtension: '101', direction: 'outbound', customerPhone: '0912000444', endedAt: now - 3 * 86_400_000 },
			]);
			// "+07:00" and "Z": the two forms a model writes; the range holds only the first call.
			const hanoi = (ms: number) => new Date(ms + 7 * 3_600_000).toISOString().replace(/\.\d{3}Z$/, '+07:00');
			const range = { startedAfter: hanoi(now - 3_600_000), startedBefore: new Date(now).toISOString() };
			model.script((request) => {
				const results = toolResults(request);
				const found = results.find((result) => result.name === 'Search_calls');
				const got = results.find((result) => result.name === 'Get_call');
				if (!found) {
					return {
						toolCalls: [
							{
								name: 'Search_calls',
								arguments: { ...range, agentExtensions: '101', direction: 'outbound', customerPhone: '', limit: 10 },
							},
						],
					};
				}
				if (!got) {
					const [first] = JSON.parse(found.content) as Array<{ callId: string }>;
					return { toolCalls: [{ name: 'Get_call', arguments: { callId: first.callId } }] };
				}
				const call = (JSON.parse(got.content) as Array<{ callId: string; customer: { phone: string }; talkSeconds: number }>)[0];
				return { content: `Found ${JSON.parse(found.content).length} call(s). Call ${call.callId} with ${call.customer.phone} talked ${call.talkSeconds} s.` };
			});

			const answer = await chat('search', 'Which outbound calls did agent 101 make in the last hour?');

			expect(answer).toBe(`Found 1 call(s). Call ${wanted.id} with 0912000111 talked 73 s.`);
		},
	);

	step(
		'has a recording analysed by URL and tells the model when and where the result arrives',
		async () => {
			const recordingUrl = `${sandbox.url}/recordings/agent-call.wav?seconds=5`;
			model.script((request) => {
				const [analysed] = toolResults(request);
				if (!analysed) return { toolCalls: [{ name: 'Analyze_recording', arguments: { recordingUrl, trackingId: 'agent-analysis-1' } }] };
				return { content: analysed.content };
			});

			const answer = JSON.parse(await chat('analyze', `Please analyse ${recordingUrl}`)) as Array<Record<string, unknown>>;

			expect(answer[0]).toMatchObject({ trackingId: 'agent-analysis-1', operation: 'analyzeCall', resultArrives: expect.stringContaining('OMI AI Trigger') });
			expect(sandbox.control.uploads().map((upload) => [upload.endpoint, upload.trackingId])).toContainEqual(['call_analyze', 'agent-analysis-1']);
		},
	);

	step('answers a tool set to a binary file that the model must pass a recording URL, and uploads nothing', async () => {
		const uploadsBefore = sandbox.control.uploads().length;
		model.script((request) => {
			const [analysed] = toolResults(request);
			if (!analysed) return { toolCalls: [{ name: 'Analyze_recording', arguments: { trackingId: 'agent-binary-1' } }] };
			return { content: analysed.content };
		});

		const [answer] = JSON.parse(await chat('binary', 'Analyse the call I just had', binaryChatUrl)) as Array<{ error: string; whatToDo: string }>;

		expect(answer.error).toBe('This tool reads a binary file, and an AI tool receives no files');
		expect(answer.whatToDo).toMatch(/recording's http\(s\) URL.*Recording Source to Recording URL/);
		expect(sandbox.control.uploads()).toHaveLength(uploadsBefore);
	});

	const faults = [
		['an OMI plan limit', { type: 'envelope-error', message: 'limit_service' } as const, /limit_service.*Ask OMI to raise it/s],
		['an answer that echoes the request with its token', { type: 'echo-request' } as const, /OMI/],
	] as const;
	for (const [what, fault, reason] of faults) {
		step(`passes ${what} to the model as a readable answer, without key or token, and the agent goes on`, async () => {
			sandbox.control.addFault({ path: '/api/v2/callTransaction/search', fault });
			model.script((request) => {
				const [failed] = toolResults(request);
				if (!failed) {
					const args = { startedAfter: '2026-03-01', startedBefore: '', agentExtensions: '', direction: '', customerPhone: '', limit: 5 };
					return { toolCalls: [{ name: 'Search_calls', arguments: args }] };
				}
				return { content: `The tool said: ${failed.content}` };
			});

			const answer = await chat(`error-${fault.type}`, 'How many calls since March 1st?');

			expect(answer).toMatch(/^The tool said: /);
			const parsed = JSON.parse(answer.slice('The tool said: '.length)) as Array<{ error: string; whatToDo: string | null }>;
			expect(parsed[0].error).toBeTruthy();
			expect(`${parsed[0].error} ${parsed[0].whatToDo}`).toMatch(reason);
			const seen = lastConversation();
			expect(seen).not.toContain(sandbox.apiKey);
			const tokens = sandbox.control.requests().flatMap((entry) => (entry.headers.authorization ? [entry.headers.authorization.replace(/^Bearer /, '')] : []));
			expect(tokens.length).toBeGreaterThan(0);
			for (const token of new Set(tokens)) expect(seen).not.toContain(token);
		});
	}

	step(
		'serves the OMI tools to the official MCP client, which lists them and searches calls',
		async () => {
			const [call] = sandbox.control.addCalls([{ agentExtension: '104', direction: 'inbound', customerPhone: '0977000555' }]);
			const client = new Client({ name: 'e2e-mcp-client', version: '1.0.0' });
			const transport = new StreamableHTTPClientTransport(new URL(`${n8n.baseUrl}/mcp/omi-calls`), {
				requestInit: { headers: { authorization: `Bearer ${MCP_TOKEN}` } },
			});
			await client.connect(transport);
			try {
				const { tools } = await client.listTools();
				expect(tools.map((tool) => tool.name).sort()).toEqual([...TOOL_NAMES].sort());
				const search = tools.find((tool) => tool.name === 'Search_calls')!;
				expect(search.description).toMatch(/^Search the OMICall call history/);
				expect(Object.keys(search.inputSchema.properties ?? {})).toContain('startedAfter');
				console.log(`n8n ${version}.x MCP tools/list, Search_calls:\n${JSON.stringify(search, null, 1)}`);

				const result = await client.callTool({
					name: 'Search_calls',
					arguments: { startedAfter: '', startedBefore: '', agentExtensions: '104', direction: 'inbound', customerPhone: '0977000555', limit: 5 },
				});
				const text = (result.content as Array<{ type: string; text?: string }>).map((part) => part.text ?? '').join('');
				expect(text).toContain(call.id);
				expect(text).toContain('0977000555');
			} finally {
				await client.close();
			}
		},
	);
});
