/** What the real-n8n suites share: the packed package, waiting, executions, and failure reports. */

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

import type { N8nServer } from './n8nServer';
import type { Credentials } from './workflows';

const ROOT = resolve(__dirname, '..', '..');

export interface Execution {
	id: string;
	status: string;
	workflowId: string;
	data?: {
		resultData: {
			runData: Record<string, Array<{ data?: { main: Array<Array<{ json: Record<string, any> }>> } }>>;
			error?: { message: string; description?: string };
		};
	};
}

/**
 * Waits for a state, not for a time: calls `probe` every 250 ms until it gives a value, and fails
 * after `timeoutMs` (a deadline long enough for a busy machine) saying what it waited for and, with
 * `seen`, what it saw last.
 */
export async function until<T>(
	what: string,
	probe: () => Promise<T | undefined> | T | undefined,
	timeoutMs = 60_000,
	seen?: () => unknown,
): Promise<T> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const value = await probe();
		if (value !== undefined) return value;
		if (Date.now() > deadline) {
			const saw = seen ? `; saw: ${JSON.stringify(await seen())}` : '';
			throw new Error(`Timed out after ${timeoutMs / 1000} s waiting for ${what}${saw}`);
		}
		await new Promise((done) => setTimeout(done, 250));
	}
}

let tarballs: string[] | undefined;

/** The repository's packages, as folders: the OMI package at its root, the Alovoice package beside it. */
export const PACKAGE_FOLDERS = [ROOT, join(ROOT, 'packages', 'n8n-nodes-alovoice')];

/**
 * `npm pack` of each built package, once per process: what a user's n8n downloads from the registry.
 * `npm run test:all` packs them once for all its phases and names the folder in E2E_PACKED_FOLDER:
 * one phase (the demo's) builds the package again while others run.
 */
export function packedTarballs(): string[] {
	const packedFolder = process.env.E2E_PACKED_FOLDER;
	if (!tarballs && packedFolder) {
		tarballs = PACKAGE_FOLDERS.map((packageFolder) => {
			const { name } = JSON.parse(readFileSync(join(packageFolder, 'package.json'), 'utf8')) as { name: string };
			const file = readdirSync(packedFolder).find((entry) => entry.startsWith(`${name}-`) && entry.endsWith('.tgz'));
			if (!file) throw new Error(`E2E_PACKED_FOLDER ${packedFolder} holds no tarball of ${name}`);
			return join(packedFolder, file);
		});
	}
	if (!tarballs) {
		const folder = mkdtempSync(join(tmpdir(), 'omicall-e2e-pack-'));
		process.once('exit', () => rmSync(folder, { recursive: true, force: true }));
		tarballs = PACKAGE_FOLDERS.map((packageFolder) => {
			const before = new Set(readdirSync(folder));
			execFileSync('npm', ['pack', '--pack-destination', folder], { cwd: packageFolder, stdio: 'ignore' });
			const file = readdirSync(folder).find((name) => !before.has(name) && name.endsWith('.tgz'));
			if (!file) throw new Error(`npm pack left no tarball for ${packageFolder}`);
			return join(folder, file);
		});
	}
	return tarballs;
}

/** Every execution of a workflow, with its data unless `includeData` is false, following the API's pages. */
export async function executionsOf(n8n: N8nServer, workflowId: string, includeData = true): Promise<Execution[]> {
	const all: Execution[] = [];
	let cursor: string | undefined;
	do {
		const page = await n8n.api<{ data: Execution[]; nextCursor?: string | null }>(
			'GET',
			`/executions?workflowId=${workflowId}&includeData=${includeData}&limit=250${cursor ? `&cursor=${cursor}` : ''}`,
		);
		if (page.status !== 200) throw new Error(`GET /executions: HTTP ${page.status} ${JSON.stringify(page.body)}`);
		all.push(...page.body.data);
		cursor = page.body.nextCursor ?? undefined;
	} while (cursor);
	return all;
}

export const outputOf = (execution: Execution, nodeName: string) =>
	(execution.data?.resultData.runData[nodeName]?.[0]?.data?.main[0] ?? []).map((item) => item.json);

/**
 * Declares a test step whose failure also carries n8n's log tail and the
 * sandbox's log, which usually say why far better than the assertion.
 */
export function stepsWithDiagnostics(
	n8n: () => Pick<N8nServer, 'logTail'> | undefined,
	sandboxLog: string[],
	/** Called when a step fails, e.g. to save a screenshot; its answer joins the report. */
	onFailure?: (stepName: string) => Promise<string>,
) {
	return (name: string, body: () => Promise<void>, timeoutMs?: number) =>
		it(
			name,
			async () => {
				try {
					await body();
				} catch (error) {
					const saved = onFailure ? await onFailure(name).catch((failure: Error) => `(could not save it: ${failure.message})`) : undefined;
					const detail = [
						...(saved ? [`--- at the failure ---`, saved] : []),
						`--- n8n log tail ---`,
						n8n()?.logTail(60) ?? '(n8n did not start)',
						'--- sandbox log tail ---',
						...sandboxLog.slice(-30),
					].join('\n');
					if (error instanceof Error) error.message = `${error.message}\n${detail}`;
					// Jest shows an assertion's message, but any other error's stack, which holds the message it was made with.
					if (error instanceof Error && !('matcherResult' in error)) error.stack = `${error.stack ?? ''}\n${detail}`;
					throw error;
				}
			},
			timeoutMs,
		);
}

/** Creates a workflow through n8n's public API and returns its id. */
export async function createWorkflow(n8n: N8nServer, workflow: unknown): Promise<string> {
	const created = await n8n.api<{ id: string }>('POST', '/workflows', workflow);
	if (created.status !== 200) throw new Error(`POST /workflows: HTTP ${created.status} ${JSON.stringify(created.body)}`);
	return created.body.id;
}

export async function activateWorkflow(n8n: N8nServer, id: string): Promise<void> {
	const activated = await n8n.api('POST', `/workflows/${id}/activate`);
	if (activated.status !== 200) throw new Error(`activate ${id}: HTTP ${activated.status} ${JSON.stringify(activated.body)}`);
}

/**
 * POSTs to an active workflow's Webhook node and returns the items of its last node. `n8n` is the
 * server that takes production webhooks: in queue mode, a webhook processor's base URL.
 */
export async function runWebhookWorkflow(n8n: Pick<N8nServer, 'baseUrl'>, path: string, body: unknown): Promise<Array<Record<string, any>>> {
	// n8n 2.x can answer 404 for a moment after activation.
	return await until(`POST /webhook/${path} to answer`, async () => {
		const response = await fetch(`${n8n.baseUrl}/webhook/${path}`, {
			method: 'POST',
			headers: { 'content-type': 'application/json' },
			body: JSON.stringify(body),
		});
		if (response.status === 404) return undefined;
		const text = await response.text();
		if (response.status !== 200) throw new Error(`POST /webhook/${path}: HTTP ${response.status} ${text}`);
		const parsed = JSON.parse(text) as Record<string, any> | Array<Record<string, any>>;
		return Array.isArray(parsed) ? parsed : [parsed];
	});
}

/** The OMI and Alovoice credentials a user makes for the sandbox: Environment "Custom", both URLs the sandbox's. */
export async function createSandboxCredentials(
	n8n: N8nServer,
	sandbox: { url: string; apiKey: string; alovoiceToken: string },
	// Named after the sandbox's port: files that share an n8n each make their own, and find them by name.
	names = { omi: `OMI sandbox ${new URL(sandbox.url).port}`, alovoice: `Alovoice sandbox ${new URL(sandbox.url).port}` },
): Promise<Credentials> {
	const omi = await n8n.createCredential(names.omi, 'omiCallApi', {
		apiKey: sandbox.apiKey,
		environment: 'custom',
		baseUrl: sandbox.url,
		aiBaseUrl: sandbox.url,
	});
	const alovoice = await n8n.createCredential(names.alovoice, 'alovoiceApi', { token: sandbox.alovoiceToken, baseUrl: sandbox.url });
	return { omi: { id: omi.id, name: names.omi }, alovoice: { id: alovoice.id, name: names.alovoice } };
}

/**
 * The credentials of the AI examples: n8n's OpenAI credential with its Base URL at `modelBaseUrl`
 * (a stand-in model, or any OpenAI-compatible provider), and the bearer token of the MCP server example.
 */
export async function createAgentCredentials(
	n8n: N8nServer,
	model: { baseUrl: string; apiKey: string },
	mcpToken: string,
): Promise<Required<Pick<Credentials, 'openAi' | 'mcpBearer'>>> {
	const openAi = await n8n.createCredential('OpenAI account', 'openAiApi', { apiKey: model.apiKey, url: model.baseUrl });
	const mcpBearer = await n8n.createCredential("MCP clients' token", 'httpBearerAuth', { token: mcpToken });
	return { openAi: { id: openAi.id, name: 'OpenAI account' }, mcpBearer: { id: mcpBearer.id, name: "MCP clients' token" } };
}

const HTML_ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#x27': "'", '#x60': '`', '#x3D': '=' };
const unescapeHtml = (text: string) => text.replace(/&(amp|lt|gt|quot|#x27|#x60|#x3D);/g, (_, name: string) => HTML_ENTITIES[name]);

/**
 * Opens an n8n form and submits it as a browser does when the user clicks
 * Submit: every field with the value the page shows, text fields and text
 * areas only. Returns the answer, which ends when the workflow answers the form.
 */
export async function submitForm(formUrl: string): Promise<{ status: number; text: string }> {
	const page = await fetch(formUrl);
	const html = await page.text();
	if (page.status !== 200) throw new Error(`The form ${formUrl} answered HTTP ${page.status}: ${html.slice(0, 300)}`);
	const form = new FormData();
	const fields = /<input[^>]*?\bname='(field-\d+)'[^>]*?\bvalue="([^"]*)"|<textarea[^>]*?\bname='(field-\d+)'[^>]*>([^<]*)<\/textarea>/g;
	for (const [, inputName, inputValue, areaName, areaValue] of html.matchAll(fields)) {
		form.append(inputName ?? areaName, unescapeHtml(inputValue ?? areaValue));
	}
	if ([...form.keys()].length === 0) throw new Error(`The form ${formUrl} shows no fields`);
	const authToken = /const authToken = '([^']*)'/.exec(html)?.[1];
	const answer = await fetch(formUrl, { method: 'POST', body: form, headers: authToken ? { 'x-auth-token': authToken } : {} });
	return { status: answer.status, text: await answer.text() };
}

export interface SlackCatcher {
	url: string;
	/** The JSON bodies received, in order. */
	received: Array<Record<string, any>>;
	close(): Promise<void>;
}

/** A local HTTP server standing in for Slack's incoming webhooks. */
export async function startCatcher(): Promise<SlackCatcher> {
	const received: Array<Record<string, any>> = [];
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			received.push(JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
			response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
		});
	});
	await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
	return {
		url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/services/T000/B000/e2e`,
		received,
		close: () => new Promise<void>((done) => server.close(() => done())),
	};
}
