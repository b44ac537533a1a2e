/**
 * Starts the n8n servers the end-to-end files share (harness/sharedN8n.ts), one per line in
 * E2E_N8N_VERSIONS, both at once; only when a file this run selects calls sharedN8n(), so that a
 * run of the reliability files or of one file with its own server boots none.
 * E2E_SHARED_N8N=0 turns it off: each file then starts its own.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

import type { Config } from '@jest/types';

import type { N8nVersion } from './harness/n8nServer';
import { startSharedServers } from './harness/sharedN8n';
import { packedTarballs } from './harness/suite';

/** The selected test files that use the shared servers. testMatch here is always `**` `/*<suffix>`. */
function filesSharing(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): string[] {
	const suffixes = projectConfig.testMatch.map((glob) => glob.replace(/^\*\*\/\*/, ''));
	const pattern = new RegExp(globalConfig.testPathPattern || '.');
	return projectConfig.roots
		.flatMap((root) => readdirSync(root).map((name) => join(root, name)))
		.filter((file) => suffixes.some((suffix) => file.endsWith(suffix)) && pattern.test(file))
		.filter((file) => readFileSync(file, 'utf8').includes('sharedN8n('));
}

export default async function globalSetup(globalConfig: Config.GlobalConfig, projectConfig: Config.ProjectConfig): Promise<void> {
	if (process.env.E2E_SHARED_N8N === '0' || filesSharing(globalConfig, projectConfig).length === 0) return;
	const versions = (process.env.E2E_N8N_VERSIONS ?? '2,1').split(',').map((v) => v.trim()) as N8nVersion[];
	const started = Date.now();
	(globalThis as { sharedN8nServers?: unknown }).sharedN8nServers = await startSharedServers(versions, packedTarballs());
	process.stderr.write(`e2e: shared n8n ${versions.join(' and ')} started in ${((Date.now() - started) / 1000).toFixed(0)} s\n`);
}
