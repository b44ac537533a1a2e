/**
 * Contract tests: each workaround of nodes/shared/n8n.ts and nodes/omi/n8n.ts
 * against the real n8n 2.x packages (n8n-core, n8n-workflow and the n8n
 * server's own modules, from e2e/n8n-2), under Node 24 (scripts/jest-n8n2.sh).
 * Each fails, saying which workaround to revisit, when an n8n upgrade changes
 * the behaviour the workaround relies on.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';

import { Container } from '@n8n/di';
import * as n8nWorkflow from 'n8n-workflow';
import type {
	IDataObject,
	IExecuteFunctions,
	INodeExecutionData,
	INodeType,
	INodeTypeDescription,
} from 'n8n-workflow';
import { NodeConnectionTypes, Workflow } from 'n8n-workflow';

import { OmiAi } from '../../nodes/OmiAi/OmiAi.node';
import { OmiAiTrigger } from '../../nodes/OmiAiTrigger/OmiAiTrigger.node';
import { StreamedMultipartBody } from '../../nodes/omi/multipart';
import {
	ANSWER_WITH_WEBHOOK_RESPONSE,
	FORCE_RENEWAL_HEADER,
	OMI_NODE_CREATOR_DESCRIPTION,
	UNPARSED_BODY_VERSIONS,
	directValue,
	epochMsOfDateLike,
	productionUrlOfTest,
	redirectOptionsFor,
	requestRenewingToken,
} from '../../nodes/omi/n8n';
import { credentialsReadLately, failureOf, pauseUnlessStopped, requestFullResponse, runsAsTool } from '../../nodes/shared/n8n';
import { TestN8n } from '../harness/engine';
import { TEST_ITEMS_TYPE } from '../harness/nodeTypes';

const N8N2 = join(__dirname, '../../e2e/n8n-2/node_modules');
/** The n8n server's own modules, loaded as n8n 2.x loads them. */
const fromServer = <T>(path: string): T => require(join(N8N2, 'n8n/dist', path)) as T;

// ---- A local server, and a workflow whose one node runs the test's code in a real n8n 2.x execution ----

type Handler = (request: IncomingMessage, body: Buffer, response: ServerResponse) => void;
let handle: Handler = (_request, _body, response) => response.end();
const received: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: Buffer }> = [];
let server: Server;
let base = '';

beforeAll(async () => {
	// As the n8n 2.x server runs expressions by default: in isolates (@n8n/config's expressionEngine.engine 'vm').
	// (n8n-workflow 2.x API; the types in node_modules are 1.x's.)
	const expression = n8nWorkflow.Expression as unknown as { initExpressionEngine(options: IDataObject): Promise<void> };
	await expression.initExpressionEngine({ engine: 'vm', poolSize: 1, maxCodeCacheSize: 1024, bridgeTimeout: 5000, bridgeMemoryLimit: 128 });
	server = createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			const body = Buffer.concat(chunks);
			received.push({ method: request.method, url: request.url, headers: request.headers, body });
			if (request.url?.startsWith('/api/auth')) {
				response.setHeader('content-type', 'application/json');
				response.end(JSON.stringify({ status_code: 9999, payload: { access_token: `token-${received.length}` } }));
				return;
			}
			handle(request, body, response);
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => await new Promise((resolve) => server.close(resolve)));
beforeEach(() => {
	received.length = 0;
	handle = (_request, _body, response) => response.end();
});

const json = (response: ServerResponse, status: number, body: unknown) => {
	response.statusCode = status;
	response.setHeader('content-type', 'application/json');
	response.end(JSON.stringify(body));
};

let probeCode: (this: IExecuteFunctions) => Promise<unknown> = async () => undefined;

class Probe implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Probe',
		name: 'probe',
		group: ['transform'],
		version: 1,
		description: 'Runs the contract test code',
		defaults: { name: 'Probe' },
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'omiCallApi', required: true }],
		properties: [{ displayName: 'Value', name: 'value', type: 'string', default: '' }],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return [[{ json: { result: (await probeCode.call(this)) as IDataObject } }]];
	}
}

/** Runs `code` as a node of a real n8n 2.x execution, with an OMI credential pointing at the local server. */
async function inN8n(code: (this: IExecuteFunctions) => Promise<unknown>, value: unknown = '', item: IDataObject = {}) {
	probeCode = code;
	const n8n = new TestN8n({ 'test.probe': new Probe() });
	const credential = n8n.credentials.add({
		id: 'omi-contract',
		name: 'OMI contract',
		type: 'omiCallApi',
		data: { apiKey: 'contract-key', environment: 'custom', baseUrl: base, aiBaseUrl: base },
	});
	const run = await n8n.run({
		nodes: [
			{ id: 'start', name: 'Start', type: TEST_ITEMS_TYPE, typeVersion: 1, position: [0, 0], parameters: { items: JSON.stringify([item]) } },
			{
				id: 'probe',
				name: 'Probe',
				type: 'test.probe',
				typeVersion: 1,
				position: [200, 0],
				parameters: { value: value as string },
				credentials: { omiCallApi: credential },
			},
		],
		connections: { Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
	});
	if (run.error) throw run.error;
	return { n8n, result: run.output('Probe')[0]?.json.result as unknown };
}

const request = (path: string, extra: IDataObject = {}) => ({ method: 'GET' as const, url: `${base}${path}`, json: true, ...extra });

// ---- The contracts, one per workaround ----

describe('n8n 2.x contracts of the workarounds (nodes/shared/n8n.ts, nodes/omi/n8n.ts)', () => {
	it('[Blob body] n8n streams a StreamedBlob with the Content-Length of its size', async () => {
		const bytes = Buffer.alloc(300_000, 7);
		const body = new StreamedMultipartBody({ tracking_id: 't-1' }, 'file', {
			fileName: 'call.mp3',
			contentType: 'audio/mpeg',
			size: bytes.length,
			open: async () => [bytes.subarray(0, 100_000), bytes.subarray(100_000)],
		});
		handle = (_request, _body, response) => json(response, 200, { ok: true });

		await inN8n(async function () {
			return await this.helpers.httpRequest({ method: 'POST', url: `${base}/upload`, body, headers: { 'content-type': body.type } });
		});

		const upload = received.find((entry) => entry.url === '/upload');
		expect(upload?.headers['content-length']).toBe(String(body.size));
		expect(upload?.body.length).toBe(body.size);
		expect(upload?.body.includes(bytes.subarray(0, 1000))).toBe(true);
	});

	it('[No redirects for streams] disableFollowRedirect stops n8n from following a redirect', async () => {
		handle = (request, _body, response) => {
			if (request.url === '/moved') {
				response.statusCode = 307;
				response.setHeader('location', `${base}/target`);
				response.end();
			} else json(response, 200, { at: 'target' });
		};
		const streamed = new StreamedMultipartBody({}, 'file', { fileName: 'a', contentType: 'audio/mpeg', size: 1, open: async () => [Buffer.from('a')] });

		const { result } = await inN8n(async function () {
			const followed = await requestFullResponse.call(this, 'omiCallApi', request('/moved'));
			const notFollowed = await requestFullResponse.call(this, 'omiCallApi', { ...request('/moved'), ...redirectOptionsFor(streamed) });
			return { followed, notFollowed };
		});

		expect(redirectOptionsFor(streamed)).toEqual({ disableFollowRedirect: true });
		expect(result).toEqual({
			followed: { answered: true, statusCode: 200, body: { at: 'target' } },
			notFollowed: expect.objectContaining({ answered: true, statusCode: 307 }),
		});
	});

	it('[Credential read lately] n8n decrypts the credential on every read and for every request, without a cache', async () => {
		handle = (_request, _body, response) => json(response, 200, {});
		const { n8n, result } = await inN8n(async function () {
			await this.getCredentials('omiCallApi');
			const afterOneRead = (await this.getCredentials('omiCallApi')) !== (await this.getCredentials('omiCallApi'));
			await this.helpers.httpRequestWithAuthentication.call(this, 'omiCallApi', request('/api/ai/x'));
			const kept = [await credentialsReadLately(this, 'omiCallApi'), await credentialsReadLately(this, 'omiCallApi')];
			return { freshObjects: afterOneRead, sameKept: kept[0] === kept[1] };
		});
		// 3 reads, 1 for the request, 1 kept for the next 30 s.
		expect(n8n.credentials.decryptions.get('omi-contract')).toBe(5);
		expect(result).toEqual({ freshObjects: true, sameKept: true });
	});

	it('[Trigger token trust] a webhook context reads credentials through the same decrypting read as every node context', () => {
		// The [Credential read lately] contract shows that read decrypting every time, in an execute context.
		const core = require('n8n-core') as Record<string, { prototype: object }>;
		const ownerOf = (type: string, method: string) => {
			let prototype: object | null = core[type].prototype;
			while (prototype && !Object.prototype.hasOwnProperty.call(prototype, method)) {
				prototype = Object.getPrototypeOf(prototype) as object | null;
			}
			return prototype;
		};
		const getCredentials = (type: string) => String((ownerOf(type, 'getCredentials') as { getCredentials: unknown }).getCredentials);
		expect(getCredentials('WebhookContext')).toMatch(/this\._getRunlessCredentials\(type\)/);
		expect(String((ownerOf('WebhookContext', '_getRunlessCredentials') as { _getRunlessCredentials: unknown })._getRunlessCredentials)).toMatch(/this\._getCredentials\(/);
		expect(ownerOf('WebhookContext', '_getCredentials')).toBe(ownerOf('ExecuteContext', '_getCredentials'));
	});

	it('[Token renewal] n8n renews the token only when the request throws a 401: never with ignoreHttpStatusErrors, and on the marker', async () => {
		handle = (request, _body, response) => {
			const refused = request.headers.authorization === 'Bearer renew';
			json(response, refused ? 401 : 200, refused ? { status_code: -9999, message: 'auth_invalid' } : { status_code: 9999 });
		};
		const { result } = await inN8n(async function () {
			const ignored = await requestFullResponse.call(this, 'omiCallApi', {
				...request('/api/call_bot/x'),
				headers: { [FORCE_RENEWAL_HEADER]: '1' },
			});
			const renewed = await requestRenewingToken.call(this, 'omiCallApi', request('/api/call_bot/x'));
			return { ignored, renewed };
		});
		expect(result).toEqual({
			ignored: { answered: true, statusCode: 401, body: { status_code: -9999, message: 'auth_invalid' } },
			renewed: { answered: true, statusCode: 200, body: { status_code: 9999 } },
		});
		// One token at first; none renewed for the ignored 401; one renewal for the marker.
		expect(received.filter((entry) => entry.url?.startsWith('/api/auth'))).toHaveLength(2);
		expect(received.every((entry) => !(FORCE_RENEWAL_HEADER in entry.headers))).toBe(true);
	});

	it('[Pause unless stopped] n8n-workflow 2.x has sleep but no sleepWithAbort, and the cancel signal stops a pause', async () => {
		expect(typeof n8nWorkflow.sleep).toBe('function');
		expect((n8nWorkflow as Record<string, unknown>).sleepWithAbort).toBeUndefined();
		const n8n = new TestN8n({ 'test.probe': new Probe() });
		probeCode = async function () {
			await pauseUnlessStopped.call(this, 60_000, 0);
		};
		const started = Date.now();
		const execution = n8n.start({
			nodes: [
				{ id: 's', name: 'Start', type: TEST_ITEMS_TYPE, typeVersion: 1, position: [0, 0], parameters: { items: '[{}]' } },
				{ id: 'p', name: 'Probe', type: 'test.probe', typeVersion: 1, position: [200, 0], parameters: {}, credentials: {} },
			],
			connections: { Start: { main: [[{ node: 'Probe', type: 'main', index: 0 }]] } },
		});
		setTimeout(() => execution.stop(), 300);
		await execution.finished;
		expect(Date.now() - started).toBeLessThan(10_000);
	});

	it('[Unparsed bodies] n8n 2.x leaves an unparsable body unread from a webhook node version above 1', () => {
		const source = readFileSync(join(N8N2, 'n8n/dist/webhooks/webhook-helpers.js'), 'utf8');
		expect(UNPARSED_BODY_VERSIONS.defaultVersion).toBeGreaterThan(1);
		expect(source).toMatch(/if \(nodeVersion > 1 && !isParsableContentType\(contentType\)\)\s*return undefined;/);
		expect(source).toMatch(/if \(nodeVersion === 1\) \{\s*binaryData = /);
		expect(new OmiAiTrigger().description.defaultVersion).toBe(UNPARSED_BODY_VERSIONS.defaultVersion);
	});

	it('[Webhook answer] with responseData empty, n8n 2.x answers onReceived with the node\'s webhookResponse', () => {
		const { extractWebhookOnReceivedResponse } = fromServer<{
			extractWebhookOnReceivedResponse: (data: unknown, result: IDataObject) => unknown;
		}>('webhooks/webhook-on-received-response-extractor.js');
		expect(extractWebhookOnReceivedResponse(ANSWER_WITH_WEBHOOK_RESPONSE, { webhookResponse: { received: true } })).toEqual({
			received: true,
		});
		expect(extractWebhookOnReceivedResponse('firstEntryJson', { webhookResponse: { received: true } })).toBe('firstEntryJson');
	});

	it('[Processed-items store] n8n 2.x reads, extends and writes a list: two recordings at once lose one', async () => {
		const { ProcessedDataRepository } = require(join(N8N2, '@n8n/db')) as { ProcessedDataRepository: new () => unknown };
		const rows = new Map<string, IDataObject>();
		const later = async () => await new Promise((resolve) => setTimeout(resolve, 20));
		const keyOf = (where: IDataObject) => `${String(where.workflowId)}|${String(where.context)}`;
		Container.set(ProcessedDataRepository, {
			findOne: async ({ where }: { where: IDataObject }) => {
				const row = rows.get(keyOf(where));
				await later();
				return row ? structuredClone(row) : null;
			},
			insert: async (row: IDataObject) => {
				await later();
				if (rows.has(keyOf(row))) throw new Error('duplicate key value violates unique constraint');
				rows.set(keyOf(row), structuredClone(row));
			},
			update: async (where: IDataObject, row: IDataObject) => {
				await later();
				rows.set(keyOf(where), structuredClone(row));
			},
		} as never);
		const { DeduplicationHelper } = fromServer<{ DeduplicationHelper: new () => n8nWorkflow.IDataDeduplicator }>(
			'deduplication/deduplication-helper.js',
		);
		const store = new DeduplicationHelper();
		const context = { workflow: { id: 'w' } as Workflow, node: { id: 'n', name: 'n' } as never };
		const record = async (keys: string[]) =>
			await store.checkProcessedAndRecord(keys, 'node', context, { mode: 'entries', maxEntries: 500 });

		const first = await Promise.allSettled([record(['a']), record(['b'])]);
		expect(first.map((outcome) => outcome.status)).toContain('rejected');
		await record(['c']);
		await Promise.all([record(['d']), record(['e'])]);
		const after = await record(['d', 'e']);
		// One of d and e was overwritten by the other recording.
		expect(after.processed.length).toBeLessThan(2);
	});

	it('[Production URL of a test] n8n 2.x builds test and production URLs under webhook-test/ and webhook/', () => {
		const { GlobalConfig } = require(join(N8N2, '@n8n/config')) as { GlobalConfig: new () => unknown };
		const endpoints = (Container.get(GlobalConfig as never) as { endpoints: { webhook: string; webhookTest: string } })
			.endpoints;
		expect(endpoints).toEqual(expect.objectContaining({ webhook: 'webhook', webhookTest: 'webhook-test' }));
		const node = { id: 'n', name: 'OMI AI Trigger', type: 'x', typeVersion: 1, position: [0, 0] as [number, number], parameters: {}, webhookId: 'hook' };
		const testUrl = n8nWorkflow.NodeHelpers.getNodeWebhookUrl(`http://n8n/${endpoints.webhookTest}`, 'w', node, 'omi-ai', false);
		const productionUrl = n8nWorkflow.NodeHelpers.getNodeWebhookUrl(`http://n8n/${endpoints.webhook}`, 'w', node, 'omi-ai', false);
		expect(productionUrlOfTest(testUrl)).toBe(productionUrl);
	});

	it('[Dragged fields] what the item gives without the engine equals what n8n 2.x evaluates', async () => {
		const item = { phone: '0901', customer: { name: 'Lan' }, 'first name': 'An', count: 3, flag: false };
		for (const expression of ['={{ $json.phone }}', '={{ $json.customer.name }}', '={{ $json["first name"] }}', '={{ $json.count }}', '={{ $json.flag }}', '={{ $json.missing }}']) {
			const { result } = await inN8n(async function () {
				return { evaluated: this.getNodeParameter('value', 0) };
			}, expression, item);
			expect({ expression, value: (result as IDataObject).evaluated }).toEqual({ expression, value: directValue(expression, item)?.value });
		}
	});

	it('[Realms] what n8n 2.x evaluates {{ $now }} to, and a Date of another realm, are read by shape', async () => {
		// The isolated-vm bridge sends a DateTime out of the isolate as a marker, which may reach the node as it is.
		const { result } = await inN8n(async function () {
			const now = this.getNodeParameter('value', 0);
			return { epoch: epochMsOfDateLike(now), plusHour: epochMsOfDateLike(this.evaluateExpression('{{ $now.plus({ hours: 1 }) }}', 0)) };
		}, '={{ $now }}');
		const { epoch, plusHour } = result as { epoch: number; plusHour: number };
		expect(Math.abs(Date.now() - epoch)).toBeLessThan(60_000);
		expect(Math.abs(plusHour - epoch - 3_600_000)).toBeLessThan(60_000);
		const foreignDate = runInNewContext('new Date(5000)') as unknown;
		expect(foreignDate instanceof Date).toBe(false);
		expect(epochMsOfDateLike(foreignDate)).toBe(5000);
	});

	it("[Thrown errors] n8n 2.x's thrown errors give the network code, the status and the body where failureOf reads them", async () => {
		handle = (_request, _body, response) => json(response, 418, { message: 'teapot_code' });
		const { result } = await inN8n(async function () {
			const outcomes: unknown[] = [];
			for (const url of [`${base}/status`, 'http://127.0.0.1:1/closed']) {
				try {
					await this.helpers.httpRequestWithAuthentication.call(this, 'omiCallApi', { method: 'GET', url, json: true });
				} catch (error) {
					outcomes.push(failureOf(error));
				}
			}
			return outcomes;
		});
		expect(result).toEqual([
			expect.objectContaining({ status: 418, body: { message: 'teapot_code' } }),
			expect.objectContaining({ code: 'ECONNREFUSED' }),
		]);
	});

	it('[Tool type name] n8n 2.x offers a usableAsTool node to agents under its type name with "Tool" appended', () => {
		const { convertNodeToAiTool } = fromServer<{
			convertNodeToAiTool: (item: { description: { name: string } }) => { description: { name: string } };
		}>('tool-generation/ai-tools.js');
		const { description } = convertNodeToAiTool({ description: { ...new OmiAi().description } });
		expect(description.name).toBe('omiAiTool');
		const context = { getNode: () => ({ type: `n8n-nodes-omicall.${description.name}` }) } as unknown as IExecuteFunctions;
		expect(runsAsTool(context)).toBe(true);
		expect(runsAsTool({ getNode: () => ({ type: 'n8n-nodes-omicall.omiAi' }) } as unknown as IExecuteFunctions)).toBe(false);
	});

	it('[Node panel] n8n 2.x merges a trigger into the app node of the same name, showing the trigger\'s description', () => {
		const editor = join(N8N2, 'n8n-editor-ui/dist/assets');
		// generateMergedNodesAndActions: `let i=r.name.replace(`Trigger`,``), ... s.description=r.description`.
		const merges = readdirSync(editor)
			.filter((file) => file.endsWith('.js'))
			.some((file) =>
				/(\w)\.name\.replace\(`Trigger`,``\)[^}]*?\.description=\1\.description/.test(readFileSync(join(editor, file), 'utf8')),
			);
		expect(merges).toBe(true);
		expect(new OmiAi().description.description).toBe(OMI_NODE_CREATOR_DESCRIPTION);
		expect(new OmiAiTrigger().description.description).toBe(OMI_NODE_CREATOR_DESCRIPTION);
		expect(new OmiAiTrigger().description.name.replace('Trigger', '')).toBe(new OmiAi().description.name);
	});
});
