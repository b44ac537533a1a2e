import { startSandbox } from '../sandbox/server';
import { omiWorkflow } from './harness/engine';
import { n8nWithOmiCredential, useSandbox } from './harness/sandbox';

const registerParameters = (url: string) => ({ resource: 'webhook', operation: 'register', url });

describe('OMI AI › Webhook › Register', () => {
	const sandbox = useSandbox();

	it('registers the URL with OMI', async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		const url = 'https://crm.example.com/omi/results';

		const result = await n8n.run(omiWorkflow([{}], registerParameters(url), credential));

		expect(result.error).toBeUndefined();
		expect(result.output('OMI AI')).toEqual([{ json: { registered: true, url }, pairedItem: { item: 0 } }]);
		expect(sandbox().control.webhook().current).toBe(url);
	});

	it('takes a bare HTTP 200 as success, all OMI documents for this endpoint', async () => {
		const bare = await startSandbox({ port: 0, registerAnswer: 'empty' });
		try {
			const { n8n, credential } = n8nWithOmiCredential(bare);
			const url = 'https://crm.example.com/omi/results';

			const result = await n8n.run(omiWorkflow([{}], registerParameters(url), credential));

			expect(result.output('OMI AI')).toEqual([{ json: { registered: true, url }, pairedItem: { item: 0 } }]);
			expect(bare.control.webhook().current).toBe(url);
		} finally {
			await bare.close();
		}
	});

	it('still refuses an HTTP 200 whose body is not OMI\'s answer', async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		sandbox().control.addFault({
			path: '/api/ai/register_webhook_ai',
			fault: { type: 'http', status: 200, body: '<html>Service page</html>' },
		});

		const result = await n8n.run(omiWorkflow([{}], registerParameters('https://crm.example.com/omi/results'), credential));

		expect(result.error?.message).toBe('OMI sent an answer that is not valid JSON [item 0]');
	});

	it.each(['ftp://files.example.com/results', 'crm.example.com/omi'])(
		'rejects %s before sending it',
		async (url) => {
			const { n8n, credential } = n8nWithOmiCredential(sandbox());

			const result = await n8n.run(omiWorkflow([{}], registerParameters(url), credential));

			expect(result.error?.message).toBe(`"${url}" is not an http(s) URL [item 0]`);
			expect(sandbox().control.requests()).toHaveLength(0);
		},
	);
});
