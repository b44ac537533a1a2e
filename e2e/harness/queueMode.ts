/**
 * n8n 2.x in queue mode on this machine: a redis-server and a PostgreSQL of
 * their own on 127.0.0.1, one main process (startN8n, with our package
 * installed as a community package), two `n8n worker` processes and one
 * `n8n webhook` process on the main's user folder, encryption key and database.
 * e2e/scripts/install-queue-deps.sh installs redis-server and PostgreSQL.
 *
 *   const queue = await startQueueMode({ tarballs });
 *   // queue.main.api(...), POST to queue.webhookBaseUrl, queue.killWorker(0)
 *   await queue.stop();
 */

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';

import {
	type LoggedProcess,
	type N8nServer,
	freePort,
	removeTempFolder,
	spawnLogged,
	spawnN8nCommand,
	startN8n,
	tempFolder,
} from './n8nServer';

const run = promisify(execFile);

export interface QueueModeOptions {
	tarballs: string[];
	/** Executions each worker runs at a time (n8n's `--concurrency`, default 10). */
	workerConcurrency?: number;
}

export interface QueueModeN8n {
	/** The main process: editor, public API, activation of triggers. It takes no production webhooks. */
	main: N8nServer;
	/** The webhook processor's base URL (no trailing slash): production webhooks, the trigger's registered URL. */
	webhookBaseUrl: string;
	/** The workers' pids, by index; undefined for a worker that is not running. */
	workerPids(): Array<number | undefined>;
	/** SIGKILL to worker `index` and its task runner, as when its machine dies. */
	killWorker(index: number): Promise<void>;
	/** The ids of the executions worker `index` started and finished, by its log ("Worker started execution <id>", "Worker finished…"). */
	executionsOn(index: number): { started: string[]; finished: string[] };
	/** The last `n` log lines of every process, each under its name (postgres, redis, main, worker-0, worker-1, webhook). */
	logTail(n?: number): string;
	/** Stops every process, redis and PostgreSQL included, and removes their folders. */
	stop(): Promise<void>;
}

const WORKERS = 2;
const WORKER_STARTED = /Worker started execution (\d+) \(job/;
const WORKER_FINISHED = /Worker finished execution (\d+) \(job/;

/** The newest PostgreSQL server binaries of the Debian packages. */
function postgresBinDir(): string {
	const root = '/usr/lib/postgresql';
	const versions = existsSync(root) ? readdirSync(root).filter((name) => existsSync(join(root, name, 'bin', 'initdb'))) : [];
	const newest = versions.sort((a, b) => Number(b) - Number(a))[0];
	if (!newest) throw new Error('PostgreSQL is not installed: run e2e/scripts/install-queue-deps.sh');
	return join(root, newest, 'bin');
}

/** initdb and postgres refuse to run as root: as root, they run as the `postgres` user the Debian package creates. */
async function asPostgresUser(dataDir: string): Promise<(command: string, args: string[]) => [string, string[]]> {
	if (process.getuid?.() !== 0) return (command, args) => [command, args];
	const ids = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
	chownSync(dataDir, await ids('-u'), await ids('-g'));
	return (command, args) => ['runuser', ['-u', 'postgres', '--', command, ...args]];
}

/**
 * A throwaway PostgreSQL cluster on 127.0.0.1. Durability is off (fsync,
 * synchronous commit): its data dies with the test anyway, and n8n's many
 * small writes would otherwise wait on the disk.
 */
async function startPostgres(echo: boolean): Promise<{ port: number; process: LoggedProcess; dataDir: string }> {
	const bin = postgresBinDir();
	const dataDir = tempFolder('omicall-e2e-pg-');
	const as = await asPostgresUser(dataDir);
	const [initdb, initdbArgs] = as(join(bin, 'initdb'), ['-D', dataDir, '-U', 'postgres', '--auth=trust', '--encoding=UTF8', '--no-sync']);
	await run(initdb, initdbArgs, { cwd: dataDir });
	const port = await freePort();
	const [postgres, postgresArgs] = as(join(bin, 'postgres'), [
		'-D',
		dataDir,
		'-p',
		String(port),
		'-c',
		'listen_addresses=127.0.0.1',
		'-c',
		`unix_socket_directories=${dataDir}`,
		'-c',
		'fsync=off',
		'-c',
		'synchronous_commit=off',
		'-c',
		'full_page_writes=off',
	]);
	const server = await spawnLogged({
		command: postgres,
		args: postgresArgs,
		cwd: dataDir,
		env: process.env,
		label: 'postgres',
		ready: 'database system is ready to accept connections',
		startTimeoutMs: 60_000,
		echo,
	});
	return { port, process: server, dataDir };
}

async function startRedis(echo: boolean): Promise<{ port: number; process: LoggedProcess; dir: string }> {
	const dir = tempFolder('omicall-e2e-redis-');
	const port = await freePort();
	const server = await spawnLogged({
		command: 'redis-server',
		args: ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--dir', dir],
		cwd: dir,
		env: process.env,
		label: 'redis',
		ready: 'Ready to accept connections',
		startTimeoutMs: 30_000,
		echo,
	}).catch((error: Error) => {
		throw new Error(`${error.message}\n(redis-server missing? run e2e/scripts/install-queue-deps.sh)`);
	});
	return { port, process: server, dir };
}

export async function startQueueMode(options: QueueModeOptions): Promise<QueueModeN8n> {
	const echo = process.env.E2E_N8N_LOG === '1';
	const stoppers: Array<() => Promise<void>> = [];
	const logs: Record<string, Pick<LoggedProcess, 'logTail'>> = {};
	const stop = async () => {
		// In the reverse order of their start: the n8n processes first, then redis and PostgreSQL, which n8n writes to while it shuts down.
		for (const stopper of stoppers.splice(0).reverse()) await stopper().catch(() => undefined);
	};
	try {
		const postgres = await startPostgres(echo);
		logs.postgres = postgres.process;
		// SIGINT is PostgreSQL's fast shutdown: it ends the sessions instead of waiting for them.
		stoppers.push(async () => {
			await postgres.process.stop('SIGINT', 20_000);
			removeTempFolder(postgres.dataDir);
		});
		const redis = await startRedis(echo);
		logs.redis = redis.process;
		stoppers.push(async () => {
			await redis.process.stop();
			removeTempFolder(redis.dir);
		});

		const webhookPort = await freePort();
		const webhookBaseUrl = `http://127.0.0.1:${webhookPort}`;
		const shared: Record<string, string> = {
			EXECUTIONS_MODE: 'queue',
			QUEUE_BULL_REDIS_HOST: '127.0.0.1',
			QUEUE_BULL_REDIS_PORT: String(redis.port),
			// Not SQLite: n8n warns "Scaling mode is not officially supported with sqlite", and four processes sharing
			// one SQLite file lose executions to "SQLITE_BUSY: database is locked" (2 of 200 results in a trial).
			DB_TYPE: 'postgresdb',
			DB_POSTGRESDB_HOST: '127.0.0.1',
			DB_POSTGRESDB_PORT: String(postgres.port),
			DB_POSTGRESDB_USER: 'postgres',
			DB_POSTGRESDB_DATABASE: 'postgres',
			N8N_ENCRYPTION_KEY: randomBytes(24).toString('hex'),
			// The URL the trigger registers at OMI: the webhook processor's. N8N_WEBHOOK_URL is 2.x's name, WEBHOOK_URL the older one.
			N8N_WEBHOOK_URL: `${webhookBaseUrl}/`,
			WEBHOOK_URL: `${webhookBaseUrl}/`,
			// Production webhooks only through the webhook processor, as behind a load balancer that routes /webhook/ there.
			N8N_DISABLE_PRODUCTION_MAIN_PROCESS: 'true',
			// A killed worker's jobs count as stalled once their lock runs out (n8n's default: 60 s, checked every 30 s).
			// n8n fails stalled jobs (maxStalledCount 0) and the process that enqueued one rewrites its execution as an
			// error. Shorter, so that a test sees the end of it. The main's queue recovery keeps n8n's interval (180
			// minutes): it marks crashed every execution stored as new or running whose job it does not find queued, and
			// that includes one stored a moment before its job is queued, which the worker then skips as crashed: its
			// workflow never runs. Every 15 s, as this harness once had it, a recovery can fall in the middle of a burst.
			QUEUE_WORKER_LOCK_DURATION: '15000',
			QUEUE_WORKER_LOCK_RENEW_TIME: '3000',
			QUEUE_WORKER_STALLED_INTERVAL: '5000',
		};
		const main = await startN8n({ version: '2', tarballs: options.tarballs, port: await freePort(), env: shared });
		logs.main = main;
		stoppers.push(() => main.stop());

		const spawnCommand = async (name: string, args: string[], ready: string, env: Record<string, string>) => {
			const child = await spawnN8nCommand(main, args, {
				label: name,
				ready,
				// Each process starts its own task runner broker.
				env: { N8N_RUNNERS_BROKER_PORT: String(await freePort()), ...env },
			});
			logs[name] = child;
			stoppers.push(() => child.stop());
			return child;
		};
		const workers = await Promise.all(
			Array.from({ length: WORKERS }, (_, index) =>
				spawnCommand(`worker-${index}`, ['worker', `--concurrency=${options.workerConcurrency ?? 10}`], 'n8n worker is now ready', {
					// On separate machines each worker has its own event log; here they share a folder, so each gets its own file.
					N8N_EVENTBUS_LOGWRITER_LOGFULLPATH: join(main.userFolder, '.n8n', `n8nEventLog-worker-${index}.log`),
				}),
			),
		);
		await spawnCommand('webhook', ['webhook'], 'Webhook listener waiting for requests', { N8N_PORT: String(webhookPort) });

		return {
			main,
			webhookBaseUrl,
			workerPids: () => workers.map((worker) => worker.pid),
			killWorker: (index) => workers[index].stop('SIGKILL', 0),
			executionsOn(index) {
				const lines = workers[index].logTail(Number.MAX_SAFE_INTEGER).split('\n');
				const ids = (pattern: RegExp) => lines.flatMap((line) => pattern.exec(line)?.[1] ?? []);
				return { started: ids(WORKER_STARTED), finished: ids(WORKER_FINISHED) };
			},
			logTail: (n = 30) => Object.entries(logs).map(([name, child]) => `--- ${name} ---\n${child.logTail(n)}`).join('\n'),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}
