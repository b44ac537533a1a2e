import { createServer } from 'node:net';
import type { AddressInfo } from 'node:net';

import { describeDifference, toJson, toMarkdown } from '../probe/report';
import { type CheckResult, type ProbeReport, runProbe } from '../probe/run';
import { type FaultRule, type Sandbox, type SandboxOptions, startSandbox } from '../sandbox/server';

/** The key of the account under test: it must never appear in a report. */
const USER_KEY = 'user-omi-key-5f2e9c1a';
const SCRIPT_ID = '66f1a2b3c4d5e6f708192a3b';
const CONTACT_PHONE = '0912345678';
const CONTACT_EMAIL = 'lan.nguyen@example.vn';

const freePort = () =>
	new Promise<number>((resolve) => {
		const server = createServer().listen(0, '127.0.0.1', () => {
			const { port } = server.address() as AddressInfo;
			server.close(() => resolve(port));
		});
	});

/** Starts a session in the target sandbox, as a user who ran Start Campaign once, and returns its id. */
async function startSession(target: Sandbox): Promise<string> {
	const auth = (await (await fetch(`${target.url}/api/auth?apiKey=${USER_KEY}`)).json()) as { payload: { access_token: string } };
	const answer = await fetch(`${target.url}/api/call_bot/execute_by_phone`, {
		method: 'POST',
		headers: { 'content-type': 'application/json', 'x-api-key': USER_KEY, authorization: `Bearer ${auth.payload.access_token}` },
		body: JSON.stringify({ bot_script_id: SCRIPT_ID, contact_info: [{ phone: CONTACT_PHONE, email: CONTACT_EMAIL }] }),
	});
	return ((await answer.json()) as { payload: { autocall_id: string } }).payload.autocall_id;
}

interface Probed {
	report: ProbeReport;
	texts: string[];
	check: (id: string) => CheckResult;
	tokens: string[];
}

/** Runs the probe, every part of it, against a sandbox that plays the real OMI account. */
async function probe(
	targetOptions: SandboxOptions = {},
	faults: FaultRule[] = [],
	extraAiHosts: string[] = [],
	probeOptions: { timeoutMs?: number; resultsGoElsewhere?: boolean } = {},
): Promise<Probed> {
	const target = await startSandbox({ port: 0, apiKey: USER_KEY, resultDelayMs: 50, ...targetOptions });
	try {
		const autocallId = await startSession(target);
		for (const fault of faults) target.control.addFault(fault);
		const listenPort = await freePort();
		const report = await runProbe({
			apiKey: USER_KEY,
			baseUrl: target.url,
			aiBaseUrls: [target.url, ...extraAiHosts],
			autocallId,
			upload: true,
			capture: {
				// Elsewhere: a URL no tunnel forwards to the probe, so nothing arrives.
				publicUrl: `http://127.0.0.1:${probeOptions.resultsGoElsewhere ? await freePort() : listenPort}/?token=n8n-webhook-token`,
				listenPort,
				waitMs: probeOptions.resultsGoElsewhere ? 1000 : 5000,
			},
			timeoutMs: probeOptions.timeoutMs ?? 5000,
		});
		// Every token the target handed out during the run.
		const tokens = target.control
			.requests()
			.flatMap((request) => (request.headers.authorization ? [request.headers.authorization.replace(/^Bearer /, '')] : []));
		const check = (id: string) => {
			const found = report.checks.find((c) => c.id === id);
			if (!found) throw new Error(`no check ${id} in the report`);
			return found;
		};
		return { report, texts: [toMarkdown(report), toJson(report)], check, tokens };
	} finally {
		await target.close();
	}
}

function expectNoSecret({ texts, tokens }: Probed) {
	expect(tokens.length).toBeGreaterThan(0);
	for (const text of texts) {
		for (const secret of [USER_KEY, CONTACT_PHONE, CONTACT_EMAIL, 'n8n-webhook-token', ...tokens]) expect(text).not.toContain(secret);
		expect(text).not.toMatch(/eyJ[\w-]+\.[\w-]+/);
	}
}

describe('npm run probe', () => {
	it('finds no difference between the sandbox and itself, reads every value the nodes read, and leaks no secret', async () => {
		const probed = await probe();
		const { report } = probed;

		expect(report.checks.map((c) => c.id)).toEqual([
			'auth',
			'auth-wrong-key',
			'script-list',
			'script-detail',
			'bad-request',
			'count-calls',
			'analyzed-logs',
			'ai-host',
			'ai-host-wrong-key',
			'upload',
			'register-webhook',
			'upload-analysis',
			'captured-result',
		]);
		expect(report.checks.flatMap((c) => c.differences.map(describeDifference))).toEqual([]);
		expect(report.checks.flatMap((c) => c.reads.filter((read) => !read.found))).toEqual([]);
		expect(report.totals).toEqual({ checks: 13, differences: 0, notRead: 0 });
		expect(report.aiHosts).toEqual([expect.objectContaining({ usable: true })]);
		expect(probed.check('captured-result').omi).toMatchObject({ answered: true, body: { tracking_id: expect.stringMatching(/^omi-probe-/) } });
		expect(probed.check('captured-result').reads).toEqual(Array(4).fill(expect.objectContaining({ found: true })));
		expect(probed.texts[0]).toContain('**0 difference(s)**');
		expectNoSecret(probed);
	});

	it('reports a renamed field as missing under the old name and extra under the new one', async () => {
		const probed = await probe({}, [{ path: `/api/call_bot/get_by_id/${SCRIPT_ID}`, times: 5, fault: { type: 'reshape', move: { 'payload.name': 'payload.title' } } }]);

		expect(probed.check('script-detail').differences).toEqual([
			{ kind: 'missing', path: 'payload.name', sandbox: 'string', omi: 'absent' },
			{ kind: 'extra', path: 'payload.title', sandbox: 'absent', omi: 'string' },
		]);
		expect(probed.report.totals.differences).toBe(2);
		expectNoSecret(probed);
	});

	it('reports another nesting where it found the field, and that Get Analyzed Logs will not find its entries', async () => {
		const probed = await probe({}, [{ path: '/api/call_bot/analyzed_log/list', times: 5, fault: { type: 'reshape', move: { 'payload.items': 'payload.data.items' } } }]);
		const logs = probed.check('analyzed-logs');

		expect(logs.differences).toEqual([
			{ kind: 'moved', path: 'payload.items', sandbox: 'payload.items', omi: 'payload.data.items' },
			{ kind: 'extra', path: 'payload.data', sandbox: 'absent', omi: 'object' },
		]);
		expect(logs.reads).toEqual([
			expect.objectContaining({ path: 'payload.items', found: false }),
			expect.objectContaining({ path: 'payload.has_next', found: true }),
		]);
		expect(toMarkdown(probed.report)).toContain('`payload.items` is nested differently: OMI has it at `payload.data.items`');
		expect(toMarkdown(probed.report)).toContain('Get Analyzed Logs outputs one item per entry of payload.items, from `payload.items`: **not found**');
		expectNoSecret(probed);
	});

	it('reports HTTP 401 where OMI\'s documents show a refused key with HTTP 200, on the token and on the AI host', async () => {
		const probed = await probe({ keyErrorStatus: 401 });

		for (const id of ['auth-wrong-key', 'ai-host-wrong-key']) {
			expect(probed.check(id).differences).toEqual([{ kind: 'http-status', path: '', sandbox: 'HTTP 200', omi: 'HTTP 401' }]);
		}
		expect(probed.report.totals.differences).toBe(2);
		expect(toMarkdown(probed.report)).toContain('OMI answered HTTP 401 where the sandbox answers HTTP 200');
		expectNoSecret(probed);
	});

	it('reports an HTML error page, and goes on without a script id to read', async () => {
		const page = '<html><head><title>502 Bad Gateway</title></head><body><center>nginx</center></body></html>';
		const probed = await probe({}, [{ method: 'GET', path: '/api/call_bot/script/list', fault: { type: 'http', status: 502, body: page } }]);

		expect(probed.check('script-list').differences).toEqual([
			{ kind: 'http-status', path: '', sandbox: 'HTTP 200', omi: 'HTTP 502' },
			{ kind: 'not-json', path: '', sandbox: 'JSON', omi: 'an HTML page (text/html; charset=utf-8)' },
		]);
		expect(probed.check('script-list').reads.every((read) => !read.found)).toBe(true);
		expect(probed.report.checks.map((c) => c.id)).not.toContain('script-detail');
		expect(probed.report.skipped).toContain('Reading one script: the account lists no script id.');
		expect(probed.check('ai-host').differences).toEqual([]);
		expectNoSecret(probed);
	});

	it('replaces phones and e-mails OMI sends back, and goes on when OMI gives no token', async () => {
		const body = JSON.stringify({
			status_code: 9999,
			message: 'success',
			payload: { token: 'tok-123456', contact: { phone: CONTACT_PHONE, email: CONTACT_EMAIL, note: `call ${CONTACT_PHONE} or +84912345678` } },
		});
		const probed = await probe({}, [{ method: 'GET', path: '/api/auth', times: 3, fault: { type: 'http', status: 200, body } }]);

		expect(probed.check('auth').reads).toEqual([expect.objectContaining({ path: 'payload.access_token', found: false })]);
		expect(probed.report.skipped[0]).toMatch(/OMI gave no access token/);
		expect(probed.check('ai-host').differences).toEqual([]);
		const json = toJson(probed.report);
		expect(json).toContain('<phone>');
		expect(json).toContain('<email>');
		for (const secret of ['tok-123456', '+84912345678']) expect(json).not.toContain(secret);
		for (const text of probed.texts) for (const secret of [USER_KEY, CONTACT_PHONE, CONTACT_EMAIL]) expect(text).not.toContain(secret);
	});

	it('says which AI host answers as OMI, and which does not answer at all', async () => {
		const closed = `http://127.0.0.1:${await freePort()}`;
		const probed = await probe({}, [], [closed]);

		expect(probed.report.aiHosts).toEqual([
			expect.objectContaining({ usable: true }),
			{ host: closed, usable: false, verdict: 'does not answer: the host refused the connection (nothing listens there)' },
		]);
		expect(toMarkdown(probed.report)).toContain(`Use ${probed.report.aiHosts[0].host} as the credential's AI Base URL.`);
	});

	it('reports an answer that does not come in time, and a result that never arrives, in plain words', async () => {
		const probed = await probe(
			{},
			[{ method: 'GET', path: '/api/call_bot/script/list', fault: { type: 'latency', ms: 3000 } }],
			[],
			{ timeoutMs: 1000, resultsGoElsewhere: true },
		);

		expect(probed.check('script-list').differences).toEqual([{ kind: 'no-answer', path: '', sandbox: 'HTTP 200', omi: 'no answer within 1 s' }]);
		expect(probed.check('captured-result').differences).toEqual([{ kind: 'no-answer', path: '', sandbox: 'a result', omi: 'nothing arrived' }]);
		expect(toMarkdown(probed.report)).toContain('What the nodes do: They fail with the same reason in plain words');
		expectNoSecret(probed);
	});
});
