/** Stops the n8n servers that e2e/globalSetup.ts started. */
import type { SharedN8n } from './harness/sharedN8n';

export default async function globalTeardown(): Promise<void> {
	const servers = (globalThis as { sharedN8nServers?: SharedN8n[] }).sharedN8nServers ?? [];
	await Promise.all(servers.map((server) => server.stop()));
}
