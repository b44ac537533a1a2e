import type { ICredentialDataDecryptedObject, INodeCredentialsDetails } from 'n8n-workflow';

import type { Sandbox, SandboxOptions } from '../../sandbox/server';
import { startSandbox } from '../../sandbox/server';
import { TestN8n } from './engine';

/**
 * One sandbox per test file, reset before each test, closed at the end.
 * Returns a getter because the sandbox exists only once beforeAll has run.
 */
export function useSandbox(options: SandboxOptions = {}): () => Sandbox {
	let sandbox: Sandbox | undefined;
	beforeAll(async () => {
		sandbox = await startSandbox({ port: 0, resultDelayMs: 50, webhookRetryMs: 50, ...options });
	});
	beforeEach(() => sandbox?.control.reset());
	afterAll(async () => await sandbox?.close());
	return () => {
		if (!sandbox) throw new Error('The sandbox is not running yet');
		return sandbox;
	};
}

/** The OMI credential as a user sets it up for the sandbox: Environment "Custom". */
export function addOmiCredential(
	n8n: TestN8n,
	sandbox: Sandbox,
	overrides: ICredentialDataDecryptedObject = {},
	id = 'omi-1',
): INodeCredentialsDetails {
	return n8n.credentials.add({
		id,
		name: 'OMI sandbox',
		type: 'omiCallApi',
		data: { apiKey: sandbox.apiKey, environment: 'custom', baseUrl: sandbox.url, aiBaseUrl: sandbox.url, ...overrides },
	});
}

/** A fresh in-process n8n with one OMI credential pointing at the sandbox. */
export function n8nWithOmiCredential(sandbox: Sandbox): { n8n: TestN8n; credential: INodeCredentialsDetails } {
	const n8n = new TestN8n();
	return { n8n, credential: addOmiCredential(n8n, sandbox) };
}
