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
