import type { INodeCredentialsDetails } from 'n8n-workflow';

import { startSandbox } from '../sandbox/server';
import { TestN8n, omiWorkflow } from './harness/engine';
import { addOmiCredential, useSandbox } from './harness/sandbox';
import { captureLogs, everyText } from './harness/secrets';

const listScripts = { resource: 'callbotScript', operation: 'getMany', returnAll: true };

describe('OmiCallApi credential', () => {
	const sandbox = useSandbox();

	describe('credential test (the editor\'s "Test" button)', () => {
		it('passes for the right key', async () => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox());

			await expect(n8n.testCredential(credential, 'omiCallApi')).resolves.toEqual({
				status: 'OK',
				message: 'Connection successful!',
			});
			expect(sandbox().control.stats().authRequests).toBe(1);
		});

		it.each([
			['a stray space and a trailing slash', (url: string) => ` ${url}/ `],
			['a tab and two slashes', (url: string) => `\t${url}//`],
		])('reaches the host a node reaches, from a base URL with %s', async (_how, write) => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox(), { baseUrl: write(sandbox().url) });

			const tested = await n8n.testCredential(credential, 'omiCallApi');
			const run = await n8n.run(omiWorkflow([{}], listScripts, credential));

			expect(run.error).toBeUndefined();
			expect(tested).toEqual({ status: 'OK', message: 'Connection successful!' });
		});

		it("fails with OMI's own reason, in plain words, for a wrong key", async () => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox(), { apiKey: 'wrong-key-123456' });

			const result = await n8n.testCredential(credential, 'omiCallApi');

			expect(result.status).toBe('Error');
			expect(result.message).toContain('api_key_invalid');
			expect(result.message).toContain('OMI does not recognise this API key');
			expect(result.message).not.toContain('wrong-key-123456');
		});

		it('says when no key reaches OMI', async () => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox(), { apiKey: '' });

			const result = await n8n.testCredential(credential, 'omiCallApi');

			expect(result).toMatchObject({ status: 'Error' });
			expect(result.message).toContain('api_key_is_required');
		});

		it('asks the AI host a request that changes nothing on the account, with the key in the apiKey header', async () => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox());

			await expect(n8n.testCredential(credential, 'omiCallApi')).resolves.toMatchObject({ status: 'OK' });

			const aiRequests = sandbox()
				.control.requests()
				.filter((request) => request.path.startsWith('/api/ai/'));
			expect(aiRequests).toEqual([
				expect.objectContaining({ method: 'POST', path: '/api/ai/speech_to_text', status: 200, headers: expect.objectContaining({ apikey: sandbox().apiKey }) }),
			]);
			expect(sandbox().control.uploads()).toEqual([]);
			expect(sandbox().control.webhook()).toEqual({ current: null, history: [] });
		});

		it('fails when the AI host does not know the key, though the base host gave a token', async () => {
			const otherAccount = await startSandbox({ port: 0, apiKey: 'another-account-key' });
			try {
				const n8n = new TestN8n();
				const credential = addOmiCredential(n8n, sandbox(), { aiBaseUrl: `${otherAccount.url}/` });

				const result = await n8n.testCredential(credential, 'omiCallApi');

				expect(result).toEqual({
					status: 'Error',
					message:
						'OMI gave an access token for this key, but the AI host refused it (api_key_invalid). Check the AI Base URL: OMI does not publish its production AI host.',
				});
				expect(otherAccount.control.requests().map((request) => request.path)).toEqual(['/api/ai/speech_to_text']);
			} finally {
				await otherAccount.close();
			}
		});

		// n8n's own words for the Test button: 1.x explains the failure, 2.x names the code or the HTTP status text.
		it.each([
			['does not answer', 'http://127.0.0.1:9', /refused the connection|^ECONNREFUSED$/],
			['is a web server that is not OMI', 'html', /could not be found|^Not Found$/],
		])('fails when the AI host %s', async (_case, aiBaseUrl, message) => {
			const n8n = new TestN8n();
			if (aiBaseUrl === 'html') {
				sandbox().control.addFault({ path: '/api/ai/speech_to_text', fault: { type: 'http', status: 404, body: '<html><body>404 Not Found</body></html>' } });
			}
			const credential = addOmiCredential(n8n, sandbox(), aiBaseUrl === 'html' ? {} : { aiBaseUrl });

			const result = await n8n.testCredential(credential, 'omiCallApi');

			expect(result.status).toBe('Error');
			expect(result.message).toMatch(message);
		});

		it('explains an unreachable host without leaking the key', async () => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox(), {
				baseUrl: 'http://127.0.0.1:9',
				apiKey: 'key-for-closed-port-42',
			});

			const result = await n8n.testCredential(credential, 'omiCallApi');

			expect(result.status).toBe('Error');
			expect(result.message).toContain('Could not get an OMI access token from http://127.0.0.1:9');
			expect(result.message).not.toContain('key-for-closed-port-42');
		});
	});

	describe('access token', () => {
		it('is fetched once, cached in the credential, and sent only to callBot endpoints', async () => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox());

			const first = await n8n.run(omiWorkflow([{}], listScripts, credential));
			const second = await n8n.run(omiWorkflow([{}], listScripts, credential));

			expect(first.error).toBeUndefined();
			expect(second.error).toBeUndefined();
			expect(second.output('OMI AI').length).toBeGreaterThan(0);
			expect(sandbox().control.stats().authRequests).toBe(1);
			const token = n8n.credentials.stored('omi-1').accessToken as string;
			expect(token).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
			const scriptCalls = sandbox()
				.control.requests()
				.filter((request) => request.path === '/api/call_bot/script/list');
			expect(scriptCalls).toHaveLength(2);
			for (const call of scriptCalls) {
				expect(call.headers.authorization).toBe(`Bearer ${token}`);
				expect(call.headers['x-api-key']).toBe(sandbox().apiKey);
				expect(call.headers.apikey).toBeUndefined();
			}
		});

		it('is fetched again when OMI says it expired, and the workflow does not notice', async () => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox());
			const workflow = omiWorkflow([{}], listScripts, credential);

			await n8n.run(workflow);
			const oldToken = n8n.credentials.stored('omi-1').accessToken;
			sandbox().control.expireTokens();
			const afterExpiry = await n8n.run(workflow);

			expect(afterExpiry.error).toBeUndefined();
			expect(afterExpiry.output('OMI AI').length).toBeGreaterThan(0);
			const newToken = n8n.credentials.stored('omi-1').accessToken;
			expect(newToken).toBeTruthy();
			expect(newToken).not.toBe(oldToken);
			expect(sandbox().control.stats().authRequests).toBe(2);
			const statuses = sandbox()
				.control.requests()
				.filter((request) => request.path === '/api/call_bot/script/list')
				.map((request) => request.status);
			// Statuses are judged by the node, so n8n renews only when the request is sent again with the
			// renewal marker (nodes/omi/n8n.ts): a second 401, then the renewed token's 200.
			expect(statuses).toEqual([200, 401, 401, 200]);
		});

		it('is fetched again when OMI refuses it with HTTP 200 and token_expired', async () => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox());
			const workflow = omiWorkflow([{}], listScripts, credential);
			await n8n.run(workflow);
			sandbox().control.addFault({
				path: '/api/call_bot/script/list',
				fault: { type: 'envelope-error', message: 'token_expired' },
			});

			const result = await n8n.run(workflow);

			expect(result.error).toBeUndefined();
			expect(result.output('OMI AI').length).toBeGreaterThan(0);
			expect(sandbox().control.stats().authRequests).toBe(2);
			const calls = sandbox()
				.control.requests()
				.filter((request) => request.path === '/api/call_bot/script/list');
			expect(calls.map((call) => call.status)).toEqual([200, 200, 401, 200]);
			expect(calls.map((call) => Object.keys(call.headers).filter((name) => name.includes('renewal')))).toEqual([
				[],
				[],
				[],
				[],
			]);
		});

		it('survives a short token lifetime over many runs', async () => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox());
			const workflow = omiWorkflow([{}, {}, {}], listScripts, credential);

			for (let run = 0; run < 3; run++) {
				const result = await n8n.run(workflow);
				expect(result.error).toBeUndefined();
				sandbox().control.expireTokens();
			}
			expect(sandbox().control.stats().authRequests).toBe(3);
		});
	});

	describe('secrets', () => {
		const apiKey = 'SECRET-omi-key-7f3a9c21';
		const keyedSandbox = useSandbox({ apiKey });

		async function runAndCollect(prepare: () => void, settings = {}) {
			const logs = captureLogs();
			try {
				const n8n = new TestN8n();
				const credential = addOmiCredential(n8n, keyedSandbox(), { apiKey });
				prepare();
				const result = await n8n.run(omiWorkflow([{}], listScripts, credential, settings));
				const token = String(n8n.credentials.stored('omi-1').accessToken ?? '');
				return { result, token, logs: logs.lines.join('\n') };
			} finally {
				logs.restore();
			}
		}

		it.each([
			['an OMI -9999 envelope', { type: 'envelope-error', message: 'permission_denied' }, 'OMI answered: permission_denied'],
			['an HTTP 500', { type: 'http', status: 500, body: 'internal error' }, 'OMI answered with HTTP 500'],
			['a malformed JSON answer', { type: 'malformed-json' }, 'OMI sent an answer that is not valid JSON'],
			['a dropped connection', { type: 'drop' }, 'Could not complete the request to OMI: the connection was closed'],
		] as const)('never appear in the error, its description, the output or the logs after %s', async (_name, fault, says) => {
			const { result, token, logs } = await runAndCollect(() =>
				keyedSandbox().control.addFault({ path: '/api/call_bot/script/list', times: 2, fault }),
			);

			expect(result.error?.message).toContain(says);
			expect(result.error?.message).toMatch(/\[item 0\]$/);
			expect(result.error?.description).toBeTruthy();
			const everything = [everyText(result.error), everyText(result.run), logs].join('\n');
			expect(everything).not.toContain(apiKey);
			expect(token.length).toBeGreaterThan(20);
			expect(everything).not.toContain(token);
		});

		it('never appear in Continue On Fail error items', async () => {
			const { result, token } = await runAndCollect(
				() =>
					keyedSandbox().control.addFault({
						path: '/api/call_bot/script/list',
						fault: { type: 'envelope-error', message: 'permission_denied' },
					}),
				{ onError: 'continueRegularOutput' },
			);

			expect(result.error).toBeUndefined();
			const [item] = result.output('OMI AI');
			expect(item.json.error).toBe('OMI answered: permission_denied [item 0]');
			expect(item.json.errorDescription).toContain('no permission');
			expect(item.pairedItem).toEqual({ item: 0 });
			expect(everyText(result.run)).not.toContain(apiKey);
			expect(everyText(result.run)).not.toContain(token);
		});

		it('stay out of a refused token request', async () => {
			const logs = captureLogs();
			try {
				const n8n = new TestN8n();
				const credential = addOmiCredential(n8n, keyedSandbox(), { apiKey: 'SECRET-wrong-key-0042' });
				const result = await n8n.run(omiWorkflow([{}], listScripts, credential));

				expect(result.error?.message).toContain('api_key_invalid');
				expect([everyText(result.error), everyText(result.run), logs.lines.join('\n')].join('\n')).not.toContain(
					'SECRET-wrong-key-0042',
				);
			} finally {
				logs.restore();
			}
		});
	});
	describe('a key that changes when URL-encoded, and a renewed token', () => {
		// Spaces, +, / and = change when URL-encoded, and so do Vietnamese letters; these two also fit in an HTTP header.
		const apiKey = 'SECRET k+y/ê=ó-7f3a 42';
		const keyedSandbox = useSandbox({ apiKey });
		const registerWebhook = { resource: 'webhook', operation: 'register', url: 'https://example.com/omi' };

		/** The forms a secret can take on the way to OMI and back, worked out here independently of the node. */
		const formsOf = (secret: string) => [
			secret,
			encodeURIComponent(secret),
			encodeURIComponent(secret).replace(/%20/g, '+'),
			new URLSearchParams({ k: secret }).toString().slice(2),
			JSON.stringify(secret).slice(1, -1),
		];

		async function failAndCollect(run: (n8n: TestN8n, credential: INodeCredentialsDetails) => Promise<unknown>) {
			const logs = captureLogs();
			try {
				const n8n = new TestN8n();
				const credential = addOmiCredential(n8n, keyedSandbox(), { apiKey });
				const outcome = await run(n8n, credential);
				const token = String(n8n.credentials.stored('omi-1').accessToken ?? '');
				return { everything: [everyText(outcome), logs.lines.join('\n')].join('\n'), token };
			} finally {
				logs.restore();
			}
		}
		const echo = (path: string, status?: number, extra = {}) =>
			keyedSandbox().control.addFault({ path, times: 5, fault: { type: 'echo-request', status }, ...extra });

		it.each([
			['the credential test, refused with status_code -9999', () => echo('/api/auth'), 'test'],
			// n8n's message for an HTTP error status carries none of the body, so nothing is echoed there.
			['the credential test, refused with HTTP 400', () => echo('/api/auth', 400), 'test', false],
			['the token request of a node', () => echo('/api/auth'), 'callbot'],
			['a callBot request refused with status_code -9999', () => echo('/api/call_bot/script/list'), 'callbot'],
			['a callBot request refused with HTTP 500', () => echo('/api/call_bot/script/list', 500), 'callbot'],
			['an AI request refused with HTTP 400', () => echo('/api/ai/register_webhook_ai', 400), 'ai'],
			[
				'a request after the token was renewed',
				() => {
					keyedSandbox().control.addFault({
						path: '/api/call_bot/script/list',
						fault: { type: 'http', status: 401, body: '{"status_code":-9999,"message":"token_expired"}' },
					});
					echo('/api/call_bot/script/list');
				},
				'callbot',
			],
		] as Array<[string, () => void, 'test' | 'callbot' | 'ai', boolean?]>)('stays out of what %s leaves behind, in every form', async (_path, prepare, via, echoed = true) => {
			const { everything, token } = await failAndCollect(async (n8n, credential) => {
				prepare();
				if (via === 'test') return await n8n.testCredential(credential, 'omiCallApi');
				return await n8n.run(omiWorkflow([{}], via === 'ai' ? registerWebhook : listScripts, credential));
			});

			if (echoed) expect(everything).toContain('refused ');
			for (const form of formsOf(apiKey)) expect(everything).not.toContain(form);
			if (token) for (const form of formsOf(token)) expect(everything).not.toContain(form);
			expect(keyedSandbox().control.faults().every((rule) => rule.applied > 0)).toBe(true);
		});
	});
});
