/**
 * The demo, after scripts/demo.sh has installed and built everything: the
 * OMI sandbox, a stand-in for Slack that prints what it receives, and a real
 * n8n 2.x with this package installed as a community package, an owner
 * login, credentials for the sandbox and the example workflows. Runs until
 * Ctrl-C, SIGTERM, or until the process in DEMO_WATCH_PID (the `npm run demo`
 * that demo.sh was started by) is gone, then stops all it started.
 *
 * Ports: DEMO_N8N_PORT (5678), DEMO_SANDBOX_PORT (3990), DEMO_SLACK_PORT (3991).
 * DEMO_CALLS_EVERY_SECONDS (60): how often new calls join the sandbox's call history.
 */

import { readdirSync } from 'node:fs';
import * as http from 'node:http';
import { join, resolve } from 'node:path';

import { type N8nServer, type OwnerAccount, installedN8nVersion, startN8n } from '../e2e/harness/n8nServer';
import { createSandboxCredentials, packedTarballs } from '../e2e/harness/suite';
import { example } from '../e2e/harness/workflows';
import { type Sandbox, startSandbox } from '../sandbox/server';

const ROOT = resolve(__dirname, '..');
const EXAMPLES = join(ROOT, 'examples');
const ANALYZE_FORM_PATH = 'omi-analyze-call';

const ports = {
	n8n: Number(process.env.DEMO_N8N_PORT ?? 5678),
	sandbox: Number(process.env.DEMO_SANDBOX_PORT ?? 3990),
	slack: Number(process.env.DEMO_SLACK_PORT ?? 3991),
};

const callsEverySeconds = Number(process.env.DEMO_CALLS_EVERY_SECONDS ?? 60);

const OWNER: OwnerAccount = { email: 'demo@example.com', firstName: 'OMI', lastName: 'Demo', password: 'OmiDemo-2026' };

const step = (text: string) => console.log(`\n\x1b[1m▶ ${text}\x1b[0m`);

/** Prints what the QA alert workflow posts, as Slack would show it in a channel. */
async function startSlackStandIn(port: number): Promise<http.Server> {
	const server = http.createServer((request, response) => {
		const chunks: Buffer[] = [];
		request.on('data', (chunk: Buffer) => chunks.push(chunk));
		request.on('end', () => {
			let text = Buffer.concat(chunks).toString('utf8');
			try {
				text = String((JSON.parse(text) as { text?: unknown }).text ?? text);
			} catch {
				// Not JSON: print it as it came.
			}
			console.log(`\n\x1b[33m[Slack stand-in] ${text}\x1b[0m`);
			response.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
		});
	});
	await new Promise<void>((done) => server.listen(port, '127.0.0.1', done));
	return server;
}

async function main(): Promise<void> {
	let n8n: N8nServer | undefined;
	let sandbox: Sandbox | undefined;
	let slack: http.Server | undefined;
	let stopping = false;
	const stop = async (code: number) => {
		if (stopping) return;
		stopping = true;
		step('Stopping n8n, the sandbox and the Slack stand-in');
		await n8n?.stop().catch(() => undefined);
		await sandbox?.close().catch(() => undefined);
		slack?.closeAllConnections();
		slack?.close();
		process.exit(code);
	};
	// A closed terminal or a gone npm leaves nothing to print to; stopping must go on regardless.
	process.stdout.on('error', () => undefined);
	process.stderr.on('error', () => undefined);
	process.on('SIGINT', () => void stop(0));
	process.on('SIGTERM', () => void stop(0));
	process.on('SIGHUP', () => void stop(0));
	const watched = Number(process.env.DEMO_WATCH_PID);
	if (Number.isInteger(watched) && watched > 1) {
		const watch = setInterval(() => {
			try {
				process.kill(watched, 0);
			} catch {
				clearInterval(watch);
				void stop(0);
			}
		}, 500);
	}

	try {
		step(`Starting the OMI sandbox on 127.0.0.1:${ports.sandbox}`);
		// A few finished calls a minute in OMICall's call history, for the automatic QA workflow to pick up.
		sandbox = await startSandbox({ port: ports.sandbox, resultDelayMs: 2000, callsEveryMs: callsEverySeconds * 1000 });
		slack = await startSlackStandIn(ports.slack);
		const slackUrl = `http://127.0.0.1:${ports.slack}/services/DEMO/DEMO/demo`;

		step(`Starting n8n ${installedN8nVersion('2')} on 127.0.0.1:${ports.n8n} with this package installed as a community package`);
		n8n = await startN8n({ version: '2', tarballs: packedTarballs(), port: ports.n8n, owner: OWNER });

		step('Creating the sandbox credentials and the example workflows, active');
		const credentials = await createSandboxCredentials(n8n, sandbox);
		const names: string[] = [];
		for (const file of readdirSync(EXAMPLES).filter((name) => name.endsWith('.json'))) {
			const workflow = example(file, { credentials, slackUrl, sandboxUrl: sandbox.url });
			const created = await n8n.api<{ id: string }>('POST', '/workflows', workflow);
			if (created.status !== 200) throw new Error(`Could not create "${workflow.name}": HTTP ${created.status} ${JSON.stringify(created.body)}`);
			const activated = await n8n.api('POST', `/workflows/${created.body.id}/activate`);
			if (activated.status !== 200) throw new Error(`Could not activate "${workflow.name}": HTTP ${activated.status} ${JSON.stringify(activated.body)}`);
			names.push(workflow.name);
		}

		console.log(`
\x1b[1;32mThe demo is ready.\x1b[0m

  Editor:   ${n8n.baseUrl}
  Login:    ${OWNER.email}
  Password: ${OWNER.password}

  Workflows, all active:
${names.map((name) => `    - ${name}`).join('\n')}

  What to click first: open the form ${n8n.baseUrl}/form/${ANALYZE_FORM_PATH} and click Submit.
  Its fields are filled with a sample recording. The sandbox analyses the call and posts
  the result to the QA alert workflow; the staff score is 55, below 70, so the alert
  appears here in a few seconds. Then open the workflows in the editor to see each step.

  Without clicking anything: the sandbox's call history gets a few finished calls every
  ${callsEverySeconds} s (some unanswered, some without a recording, some whose recording comes late).
  The workflow "OMI: analyze every answered call from OMICall automatically" picks up each
  answered call with a recording and 20 s of talk, and has it analyzed; every low score
  appears here as an alert naming the agent, the customer's phone and the call time.
  The trigger checks every minute, so the first of these alerts comes within two minutes.

  The OMI sandbox answers on ${sandbox.url} (API key "${sandbox.apiKey}").
  With a real OMI key, open the credential "OMI sandbox", set Environment to Production and
  paste the key: uploads, scripts and campaigns then run against OMI. Results need more:
  OMI must reach n8n's webhook URL, and this n8n listens on 127.0.0.1 only. See the README,
  "Before you start", for a server that OMI can reach (WEBHOOK_URL).

  Press Ctrl-C to stop everything.`);
	} catch (error) {
		console.error(`\n\x1b[31mThe demo could not start: ${error instanceof Error ? error.message : String(error)}\x1b[0m`);
		await stop(1);
	}
}

void main();
