/**
 * One n8n server per n8n line, shared by the end-to-end files that do not need a server of their
 * own: booting n8n costs about a minute per file and line on a busy 2-core machine. The jest
 * globalSetup (e2e/globalSetup.ts) starts one per line in E2E_N8N_VERSIONS, both at once, and
 * hands their addresses to the test files in the environment; a file then calls
 * `sharedN8n(version)` in its beforeAll and `stop()` in its afterAll, which leaves the server
 * running and deactivates every active workflow, so that the next file finds no webhook path
 * taken. Each file makes its own credentials and workflows (fresh per case). A file that restarts
 * n8n or needs other settings starts its own with startN8n.
 *
 * Run alone (one file, or E2E_SHARED_N8N=0), `sharedN8n()` starts a server for the file only.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { type N8nServer, type N8nVersion, freePort, ownerSession, removeTempFolder, startN8n, tempFolder } from './n8nServer';

/** What a test file gets: the server, and the folder its nodes may read and write files in. */
export type SharedN8n = N8nServer & { filesFolder: string };

interface SharedAddress {
	version: N8nVersion;
	n8nVersion: string;
	baseUrl: string;
	port: number;
	apiKey: string;
	userFolder: string;
	n8nEnv: Record<string, string>;
	logFile: string;
	filesFolder: string;
}

const envName = (version: N8nVersion) => `E2E_SHARED_N8N_${version}`;

/**
 * Starts n8n with the packages in `tarballs` and its nodes' file access restricted to a folder
 * of its own. `logFile` keeps n8n's output for the files that share it.
 */
async function startWithFilesFolder(version: N8nVersion, tarballs: string[], logFile?: string): Promise<SharedN8n> {
	const filesFolder = tempFolder('omicall-e2e-files-');
	const server = await startN8n({ version, tarballs, port: await freePort(), env: { N8N_RESTRICT_FILE_ACCESS_TO: filesFolder }, logFile });
	const stopServer = server.stop.bind(server);
	return Object.assign(server, {
		filesFolder,
		async stop() {
			try {
				await stopServer();
			} finally {
				removeTempFolder(filesFolder);
			}
		},
	});
}

/** For the globalSetup: starts the shared servers (all at once) and puts their addresses in process.env. */
export async function startSharedServers(versions: N8nVersion[], tarballs: string[]): Promise<SharedN8n[]> {
	const started = await Promise.allSettled(
		versions.map(async (version) => {
			const logFile = path.join(tempFolder(`omicall-e2e-shared-log-n8n${version}-`), 'n8n.log');
			const server = await startWithFilesFolder(version, tarballs, logFile);
			const address: SharedAddress = {
				version,
				n8nVersion: server.n8nVersion,
				baseUrl: server.baseUrl,
				port: server.port,
				apiKey: server.apiKey,
				userFolder: server.userFolder,
				n8nEnv: server.n8nEnv,
				logFile,
				filesFolder: server.filesFolder,
			};
			process.env[envName(version)] = JSON.stringify(address);
			return server;
		}),
	);
	const servers = started.flatMap((outcome) => (outcome.status === 'fulfilled' ? [outcome.value] : []));
	const failure = started.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected');
	if (failure) {
		await Promise.all(servers.map((server) => server.stop()));
		throw failure.reason;
	}
	return servers;
}

/** Deactivates every active workflow, so that the next file can activate its own webhook paths. */
async function deactivateAll(server: Pick<N8nServer, 'api'>): Promise<void> {
	const active = await server.api<{ data: Array<{ id: string }> }>('GET', '/workflows?active=true&limit=250');
	if (active.status !== 200) throw new Error(`GET /workflows?active=true: HTTP ${active.status} ${JSON.stringify(active.body)}`);
	for (const { id } of active.body.data) {
		const done = await server.api('POST', `/workflows/${id}/deactivate`);
		if (done.status !== 200) throw new Error(`deactivate ${id}: HTTP ${done.status} ${JSON.stringify(done.body)}`);
	}
}

/** The shared server of this n8n line when the globalSetup started one, else a server for this file only. */
export async function sharedN8n(version: N8nVersion, tarballs: () => string[]): Promise<SharedN8n> {
	const text = process.env[envName(version)];
	if (!text) return await startWithFilesFolder(version, tarballs());
	const address = JSON.parse(text) as SharedAddress;
	const session = ownerSession(version, address.baseUrl);
	await session.signIn();
	return {
		...session.client(address.apiKey),
		n8nVersion: address.n8nVersion,
		port: address.port,
		userFolder: address.userFolder,
		n8nEnv: address.n8nEnv,
		filesFolder: address.filesFolder,
		pid: undefined,
		logTail: (n = 60) => {
			const lines = fs.existsSync(address.logFile) ? fs.readFileSync(address.logFile, 'utf8').split('\n') : [];
			return lines.slice(-n - 1).join('\n');
		},
		restart: () => Promise.reject(new Error('a shared n8n cannot be restarted by one file: start one of its own with startN8n')),
		stop: () => deactivateAll({ api: session.client(address.apiKey).api }),
	};
}
