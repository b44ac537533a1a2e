/**
 * `npm run demo`, as a newcomer runs it: it must bring up a working editor
 * with the example workflows, and stop everything when its npm process is
 * signalled alone, as a process manager or a closed terminal does.
 */

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { freePort, installedN8nVersion, portIsFree } from '../harness/n8nServer';
import { submitForm, until } from '../harness/suite';
import { exampleName } from '../harness/workflows';

const ROOT = resolve(__dirname, '..', '..');

describe('npm run demo', () => {
	let demo: ChildProcess;
	let output = '';
	const ports = { n8n: 0, sandbox: 0, slack: 0 };

	beforeAll(async () => {
		ports.n8n = await freePort();
		ports.sandbox = await freePort();
		ports.slack = await freePort();
		demo = spawn('npm', ['run', 'demo'], {
			cwd: ROOT,
			env: {
				...process.env,
				DEMO_N8N_PORT: String(ports.n8n),
				DEMO_SANDBOX_PORT: String(ports.sandbox),
				DEMO_SLACK_PORT: String(ports.slack),
				DEMO_CALLS_EVERY_SECONDS: '10',
			},
			stdio: ['ignore', 'pipe', 'pipe'],
			// Its own process group, as a terminal gives a command: Ctrl-C signals the whole group.
			detached: true,
		});
		demo.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		demo.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
		await new Promise<void>((ready, fail) => {
			const deadline = setTimeout(() => fail(new Error(`The demo was not ready within 5 minutes:\n${output.slice(-4000)}`)), 300_000);
			const check = () => {
				if (output.includes('The demo is ready.')) {
					clearTimeout(deadline);
					ready();
				}
			};
			demo.stdout?.on('data', check);
			demo.once('exit', (code) => {
				clearTimeout(deadline);
				fail(new Error(`The demo exited with code ${code} before it was ready:\n${output.slice(-4000)}`));
			});
		});
	}, 320_000);

	const signalDemo = (signal: NodeJS.Signals) => {
		try {
			process.kill(-(demo.pid as number), signal);
		} catch {
			// The group has already exited.
		}
	};

	afterAll(() => signalDemo('SIGKILL'));

	it('prints the editor URL, the login and what to click first, with progress on the way', () => {
		expect(output).toContain(`Editor:   http://127.0.0.1:${ports.n8n}`);
		expect(output).toMatch(/Login: {4}demo@example\.com\n {2}Password: {1}\S+/);
		expect(output).toContain('What to click first');
		const version = installedN8nVersion('2').replaceAll('.', '\\.');
		expect(output).toMatch(
			new RegExp(`▶ Building the package[\\s\\S]*▶ Starting the OMI sandbox[\\s\\S]*▶ Starting n8n ${version}[\\s\\S]*▶ Creating the sandbox credentials`),
		);
	});

	it('says "first time only" only when it installs something, and keeps the build\'s output in its log', () => {
		// test:e2e installed n8n and this repository's dependencies before: nothing to install.
		expect(output).not.toMatch(/first time only/i);
		expect(output).not.toMatch(/EBADENGINE|gulp|Finished '/);
		expect(readFileSync(join(ROOT, 'e2e', '.runtime', 'demo-setup.log'), 'utf8')).toMatch(/build:assets/);
	});

	it('brings up an editor where the owner logs in and finds every example, active', async () => {
		const baseUrl = `http://127.0.0.1:${ports.n8n}`;
		const password = /Password: (\S+)/.exec(output)?.[1] as string;
		const headers = { 'content-type': 'application/json', 'browser-id': 'demo-test' };
		const login = await fetch(`${baseUrl}/rest/login`, {
			method: 'POST',
			headers,
			body: JSON.stringify({ emailOrLdapLoginId: 'demo@example.com', password }),
		});
		expect(login.status).toBe(200);
		const cookie = login.headers.getSetCookie().find((entry) => entry.startsWith('n8n-auth='))?.split(';')[0] as string;

		const listed = await fetch(`${baseUrl}/rest/workflows`, { headers: { ...headers, cookie } });
		const workflows = ((await listed.json()) as { data: Array<{ name: string; active: boolean }> }).data;

		const examples = readdirSync(join(ROOT, 'examples')).filter((file) => file.endsWith('.json'));
		expect(examples.length).toBeGreaterThanOrEqual(4);
		expect(workflows.map(({ name, active }) => ({ name, active })).sort((a, b) => a.name.localeCompare(b.name))).toEqual(
			examples.map((file) => ({ name: exampleName(file), active: true })).sort((a, b) => a.name.localeCompare(b.name)),
		);
	});

	it('does what it says to click first: the form as filled in leads to the Slack alert', async () => {
		const formUrl = /open the form (\S+) and click Submit/.exec(output)?.[1] as string;
		expect(formUrl).toBe(`http://127.0.0.1:${ports.n8n}/form/omi-analyze-call`);

		expect((await submitForm(formUrl)).status).toBe(200);

		// The automatic QA workflow's alerts can come first; this one is the form's.
		await until('the alert at the Slack stand-in', () => (/\[Slack stand-in\] .*crm-call-0912-score-55 scored 55\/100/.test(output) ? true : undefined));
	});

	it('shows the automatic QA loop without a click: alerts for calls of the call history name the agent, the customer and the time', async () => {
		await until(
			'an alert for a call from the call history',
			() => (/\[Slack stand-in\] QA alert: call [0-9a-f-]{36} scored \d+\/100 for staff\. Agent: .+ \(ext\. 10\d\), customer: 09\d{8}, call at \d{4}-\d\d-\d\d \d\d:\d\d\./.test(output) ? true : undefined),
			180_000,
		);
	}, 200_000);

	it('stops n8n, the sandbox and the Slack stand-in, and frees their ports, on a SIGTERM to its npm process alone', async () => {
		const npmExited = new Promise<void>((done) => demo.once('exit', () => done()));
		process.kill(demo.pid as number, 'SIGTERM');
		await npmExited;

		await until('the demo to stop everything', () => (output.includes('Stopping n8n, the sandbox and the Slack stand-in') ? true : undefined));
		for (const port of [ports.n8n, ports.sandbox, ports.slack]) {
			await until(`port ${port} to be freed`, async () => (await portIsFree(port)) || undefined, 30_000);
		}
	});
});
