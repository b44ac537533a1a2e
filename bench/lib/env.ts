/**
 * What every measurement runs in: the OMI sandbox in this process on
 * 127.0.0.1, a real n8n 2.x server (e2e/harness) with the packed package
 * installed as a community package, the OMI credential pointing at the
 * sandbox, and a temp folder n8n may read files from.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { type N8nServer, freePort, startN8n } from '../../e2e/harness/n8nServer';
import { type Execution, activateWorkflow, createWorkflow, packedTarballs, runWebhookWorkflow } from '../../e2e/harness/suite';
import { type Sandbox, startSandbox } from '../../sandbox/server';
import { latestExecution, newestExecutionId } from './measure';

/** The dev-only minimal community trigger, installed next to our package (the trigger case compares with it). */
const MINIMAL_TRIGGER_PACKAGE = join(__dirname, '..', 'minimal-trigger');

/** Far beyond any bench: uploads never get a result posted while something is measured. */
const RESULTS_NEVER_MS = 24 * 60 * 60 * 1000;
const SANDBOX_LOG_LIMIT = 100_000;

export interface SandboxLogLine {
	/** Epoch ms when the sandbox logged it (when the response closed). */
	at: number;
	text: string;
}

export interface BenchEnvOptions {
	/** More environment for n8n, e.g. NODE_OPTIONS `--cpu-prof --cpu-prof-dir=<dir>` (the profile is written when n8n stops). */
	env?: Record<string, string>;
	/** More community packages for n8n (folders or tarballs), next to ours and the minimal trigger. */
	extraPackages?: string[];
	/** How many requests the sandbox's control.requests() keeps (its default when absent). */
	requestLogLimit?: number;
}

export interface BenchEnv {
	n8n: N8nServer;
	sandbox: Sandbox;
	/** The sandbox's request log: one line per answered request, "POST /api/… 200 12ms". */
	sandboxLog: SandboxLogLine[];
	/** A temp folder n8n may read from (N8N_RESTRICT_FILE_ACCESS_TO). */
	files: string;
	credentials: { omiCallApi: { id: string; name: string } };
	/** The pid of n8n's main process. */
	pid(): number;
	/** Creates and activates a workflow; returns its id. */
	deploy(workflow: unknown): Promise<string>;
	/** Runs a workflow through its Webhook node (response mode "last node") and returns its execution. */
	runWebhook(workflowId: string, path: string, body: unknown): Promise<Execution>;
	close(): Promise<void>;
}

export async function startBenchEnv(options: BenchEnvOptions = {}): Promise<BenchEnv> {
	const files = mkdtempSync(join(tmpdir(), 'omicall-bench-files-'));
	const sandboxLog: SandboxLogLine[] = [];
	const sandbox = await startSandbox({
		port: 0,
		resultDelayMs: RESULTS_NEVER_MS,
		requestLogLimit: options.requestLogLimit,
		log: (text) => {
			sandboxLog.push({ at: Date.now(), text });
			if (sandboxLog.length > SANDBOX_LOG_LIMIT) sandboxLog.splice(0, sandboxLog.length - SANDBOX_LOG_LIMIT);
		},
	});
	const env: Record<string, string> = {
		N8N_RESTRICT_FILE_ACCESS_TO: files,
		// Keep every execution: the bench reads them back to check what was sent.
		EXECUTIONS_DATA_PRUNE: 'false',
		...options.env,
	};

	let n8n: N8nServer | undefined;
	try {
		n8n = await startN8n({
			version: '2',
			tarballs: packedTarballs(),
			extraPackages: [MINIMAL_TRIGGER_PACKAGE, ...(options.extraPackages ?? [])],
			port: await freePort(),
			env,
		});
		const server = n8n;
		const omi = await server.createCredential('OMI sandbox', 'omiCallApi', {
			apiKey: sandbox.apiKey,
			environment: 'custom',
			baseUrl: sandbox.url,
			aiBaseUrl: sandbox.url,
		});
		return {
			n8n: server,
			sandbox,
			sandboxLog,
			files,
			credentials: { omiCallApi: { id: omi.id, name: 'OMI sandbox' } },
			pid() {
				if (server.pid === undefined) throw new Error(`n8n is not running. Last log lines:\n${server.logTail(40)}`);
				return server.pid;
			},
			async deploy(workflow) {
				const id = await createWorkflow(server, workflow);
				await activateWorkflow(server, id);
				return id;
			},
			async runWebhook(workflowId, path, body) {
				const afterId = await newestExecutionId(server, workflowId);
				await runWebhookWorkflow(server, path, body);
				return await latestExecution(server, workflowId, afterId);
			},
			async close() {
				await server.stop();
				await sandbox.close();
				rmSync(files, { recursive: true, force: true });
			},
		};
	} catch (error) {
		await n8n?.stop();
		await sandbox.close();
		rmSync(files, { recursive: true, force: true });
		throw error;
	}
}
