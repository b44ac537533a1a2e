#!/usr/bin/env node
// `npm run test:all`: every phase of the test command, each timed. At the end (also when a phase
// fails) it prints a table of each phase's wall time, and a row per end-to-end file, so that a
// regression in time shows in every CI log; under it, each failed e2e or reliability test with the
// first lines of its failure. Dev-only; plain Node.
//
// The phases are what `npm test && npm run test:e2e && npm run test:reliability && npm run bench:smoke`
// ran, with the package built once (by the lint step) instead of once per script. Two phases run at
// a time, each as soon as the phases it needs have passed: the machine has two cores, and most
// phases leave one of them idle while n8n, the browser or a poll is waited for. The lines of a
// phase are prefixed with its tag.
// The install phase is `npm ci`, which .ci/run runs before this script: it passes the time (Unix
// seconds) it started it in TEST_ALL_INSTALL_STARTED_AT. After the first failing phase no new phase
// starts (those show "not run") and it exits 1; `--keep-going` runs the remaining phases anyway.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const keepGoing = process.argv.includes('--keep-going');
const AT_ONCE = Number(process.env.TEST_ALL_PARALLEL ?? 2);
const timesFolder = mkdtempSync(join(tmpdir(), 'omicall-test-all-'));
const timesFile = (name) => join(timesFolder, `${name}.json`);
// The packages, packed once for every phase that installs them in n8n (e2e/harness/suite.ts).
const packedFolder = join(timesFolder, 'packed');
mkdirSync(packedFolder);
const withPacked = { E2E_PACKED_FOLDER: packedFolder };

const e2eOn = (version, { extraArgs = [], alsoAfter = [] } = {}) => ({
	name: `e2e files on n8n ${version}.x`,
	tag: `e2e ${version}.x`,
	after: ['pack', 'sqlite', 'apt', ...alsoAfter],
	commands: [['npx', 'jest', '-c', 'e2e/jest.config.js', ...extraArgs]],
	env: { ...withPacked, E2E_N8N_VERSIONS: version, E2E_FILE_TIMES: timesFile(`e2e-${version}`) },
	filesFrom: timesFile(`e2e-${version}`),
});

/** One reliability file (n8n 2.x) as a phase: the two are long, and apart they fill both slots better. */
const reliability = (file) => ({
	name: `reliability: ${file}`,
	tag: file,
	after: ['pack', 'sqlite', 'apt'],
	commands: [['npx', 'jest', '-c', 'e2e/jest.config.js', '--testMatch', `**/${file}.reliability.ts`]],
	env: { ...withPacked, E2E_FILE_TIMES: timesFile(file) },
	filesFrom: timesFile(file),
});

/**
 * Each phase: a name for the table, a short tag for its lines, the phases (by tag) it needs, and
 * the commands it runs (all must pass). Listed in the order they are started when ready: the
 * longest chains first.
 */
const PHASES = [
	{ name: "install n8n 2.x and 1.x (npm ci of both, 1.x's sqlite3)", tag: 'n8n', commands: [['bash', 'e2e/scripts/install-n8n.sh', 'download']] },
	// The fast suite on 2.x needs n8n's packages only; the servers also need their sqlite3.
	{ name: "n8n 2.x's sqlite3 (a copy of 1.x's)", tag: 'sqlite', after: ['n8n'], commands: [['bash', 'e2e/scripts/install-n8n.sh', 'native']] },
	{ name: 'build and lint (incl. tooling tests)', tag: 'lint', commands: [['npm', 'run', 'lint']] },
	{
		name: 'npm pack of both packages',
		tag: 'pack',
		after: ['lint'],
		commands: [
			['npm', 'pack', '--silent', '--pack-destination', packedFolder],
			['npm', 'pack', '--silent', '--pack-destination', packedFolder, '--workspace', 'packages/n8n-nodes-alovoice'],
		],
	},
	{
		name: 'install Chromium, Redis, PostgreSQL',
		tag: 'apt',
		commands: [
			['bash', 'e2e/scripts/install-browser.sh'],
			['bash', 'e2e/scripts/install-queue-deps.sh'],
		],
	},
	{ name: 'typecheck', tag: 'types', commands: [['npm', 'run', 'typecheck']] },
	{ name: 'fast suite (jest, n8n 1.x engine)', tag: 'fast 1.x', commands: [['npx', 'jest']] },
	// Its demo file builds the package again: not while the fast suite's package tests read dist/.
	e2eOn('2', { alsoAfter: ['fast 1.x'] }),
	{
		name: 'fast suite on n8n 2.x, with the contract tests',
		tag: 'fast 2.x',
		after: ['n8n'],
		commands: [['bash', 'scripts/jest-n8n2.sh', '--testNamePattern', '^(?!Sandbox )']],
	},
	// `npm run demo` runs n8n 2.x only: its file is in the 2.x phase.
	e2eOn('1', { extraArgs: ['--testPathIgnorePatterns', 'demo\\.e2e\\.ts$'] }),
	reliability('trigger'),
	{ name: 'bench smoke (n8n 2.x)', tag: 'bench', after: ['pack', 'sqlite'], commands: [['npx', 'tsx', 'bench/run.ts', '--smoke']], env: withPacked },
	// Last: it fits beside whichever phase ends later.
	reliability('queueMode'),
];

/** Runs one command with each line of its output prefixed by `tag`; resolves to its exit code. */
function run([command, ...args], env, tag) {
	return new Promise((done) => {
		const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
		for (const [stream, out] of [
			[child.stdout, process.stdout],
			[child.stderr, process.stderr],
		]) {
			let rest = '';
			stream.setEncoding('utf8');
			stream.on('data', (chunk) => {
				const lines = (rest + chunk).split('\n');
				rest = lines.pop();
				for (const line of lines) out.write(`[${tag}] ${line}\n`);
			});
			stream.on('end', () => rest && out.write(`[${tag}] ${rest}\n`));
		}
		child.once('error', (error) => {
			console.error(`[${tag}] test-all: could not start ${command}: ${error.message}`);
			done(1);
		});
		child.once('close', (code, signal) => done(code ?? (signal ? 128 : 1)));
	});
}

const seconds = (ms) => ms / 1000;
const clock = (s) => (s === undefined ? '' : `${Math.floor(Math.round(s) / 60)}:${String(Math.round(s) % 60).padStart(2, '0')}`);

/** Rows written by e2e/file-times-reporter.js: each test file's wall time and outcome. */
function fileRows(file) {
	try {
		return JSON.parse(readFileSync(file, 'utf8'));
	} catch {
		return [];
	}
}

const installStartedAt = Number(process.env.TEST_ALL_INSTALL_STARTED_AT);
const install = installStartedAt > 0 ? Date.now() / 1000 - installStartedAt : 0;

const started = Date.now();
/** tag → { status, seconds, startedAt }: status is 'ok', 'FAILED (...)', 'not run' or undefined while pending. */
const outcome = new Map();
let failed = false;
let running = 0;

async function runPhase(phase) {
	running++;
	const startedAt = Date.now();
	outcome.set(phase.tag, { status: 'running', startedAt });
	console.log(`[${phase.tag}] test-all: ▶ ${phase.name} (at ${clock(seconds(startedAt - started))})`);
	let status = 'ok';
	for (const command of phase.commands) {
		const code = await run(command, phase.env, phase.tag);
		if (code !== 0) {
			status = `FAILED (${command.join(' ')}: exit ${code})`;
			break;
		}
	}
	outcome.set(phase.tag, { status, seconds: seconds(Date.now() - startedAt), startedAt });
	console.log(`[${phase.tag}] test-all: ${status === 'ok' ? '✓' : '✗'} ${phase.name} in ${clock(seconds(Date.now() - startedAt))}`);
	if (status !== 'ok') failed = true;
	running--;
}

await new Promise((allDone) => {
	const startReady = () => {
		for (const phase of PHASES) {
			if (outcome.has(phase.tag)) continue;
			const needs = (phase.after ?? []).map((tag) => outcome.get(tag)?.status);
			if ((failed && !keepGoing) || needs.some((status) => status !== undefined && status !== 'ok' && status !== 'running')) {
				outcome.set(phase.tag, { status: 'not run' });
				continue;
			}
			if (running >= AT_ONCE || !needs.every((status) => status === 'ok')) continue;
			runPhase(phase).then(startReady);
		}
		if (running === 0 && PHASES.every((phase) => outcome.has(phase.tag))) allDone();
	};
	startReady();
});

const rows = [];
/** What failed in the e2e and reliability files, printed under the table, where a CI log's tail shows it: per file and message, the tests. */
const failures = new Map();
if (install > 0) rows.push({ name: 'install (npm ci, from .ci/run)', seconds: install, status: 'ok', from: 0 });
for (const phase of PHASES) {
	const { status, seconds: took, startedAt } = outcome.get(phase.tag);
	rows.push({ name: phase.name, seconds: took, status, from: startedAt === undefined ? undefined : seconds(startedAt - started) + install });
	if (phase.filesFrom) {
		for (const entry of fileRows(phase.filesFrom)) {
			rows.push({ name: `  ${relative(ROOT, entry.path)}`, seconds: entry.seconds, status: entry.status, detail: entry.tests });
			// A failed beforeAll fails every test of its file with one message: it is printed once.
			for (const { test, message } of entry.failures ?? []) {
				const file = relative(ROOT, entry.path);
				const key = `${file}\n${message}`;
				if (!failures.has(key)) failures.set(key, { file, message, tests: [] });
				failures.get(key).tests.push(test);
			}
		}
	}
}
rmSync(timesFolder, { recursive: true, force: true });

const total = seconds(Date.now() - started) + install;
const width = Math.max(...rows.map((row) => row.name.length), 5);
const lines = [
	'',
	`test-all: wall time per phase, ${AT_ONCE} at a time ("from": when it started; load average now: ${loadavg().map((n) => n.toFixed(2)).join(' ')})`,
	`${'phase'.padEnd(width)}  ${'from'.padStart(6)}  ${'m:ss'.padStart(6)}  ${'seconds'.padStart(7)}  status`,
	`${'-'.repeat(width)}  ------  ------  -------  ------`,
	...rows.map(
		(row) =>
			`${row.name.padEnd(width)}  ${clock(row.from).padStart(6)}  ${clock(row.seconds).padStart(6)}  ${(row.seconds === undefined ? '' : row.seconds.toFixed(1)).padStart(7)}  ${row.status}${row.detail ? ` (${row.detail})` : ''}`,
	),
	`${'-'.repeat(width)}  ------  ------  -------`,
	`${'total (wall)'.padEnd(width)}  ${''.padStart(6)}  ${clock(total).padStart(6)}  ${total.toFixed(1).padStart(7)}  ${failed ? 'FAILED' : 'ok'}`,
	...(failures.size > 0
		? [
				'',
				'test-all: failed e2e and reliability tests (the first lines of each failure; the whole of it is above, under its tag)',
				...[...failures.values()].map(({ file, message, tests }) => `✗ ${file}: ${tests.join(' | ')}\n${message.replace(/^/gm, '    ')}`),
			]
		: []),
];
console.log(lines.join('\n'));
process.exit(failed ? 1 : 0);
