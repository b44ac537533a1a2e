#!/usr/bin/env node
// `npm run test:all`: every phase of the test command, one after the other, each timed. At the end
// (also when a phase fails) it prints a table of each phase's wall time, and a row per end-to-end
// file, so that a regression in time shows in every CI log. Dev-only; plain Node.
//
// The phases are what `npm test && npm run test:e2e && npm run test:reliability && npm run bench:smoke`
// ran, with the package built once (by the lint step) instead of once per script.
// The install phase is `npm ci`, which .ci/run runs before this script: it passes the time (Unix
// seconds) it started it in TEST_ALL_INSTALL_STARTED_AT. Stops at the first failing phase (the rest show "not run") and exits 1;
// `--keep-going` runs the remaining phases anyway.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const keepGoing = process.argv.includes('--keep-going');
const timesFolder = mkdtempSync(join(tmpdir(), 'omicall-test-all-'));
const e2eTimesFile = join(timesFolder, 'e2e-files.json');
const reliabilityTimesFile = join(timesFolder, 'reliability-files.json');

/** Each phase: a name for the table and the commands it runs (all must pass). */
const PHASES = [
	{ name: 'build and lint (incl. tooling tests)', commands: [['npm', 'run', 'lint']] },
	{ name: 'typecheck', commands: [['npm', 'run', 'typecheck']] },
	{ name: 'fast suite (jest, n8n 1.x engine)', commands: [['npx', 'jest']] },
	{
		name: 'install n8n 2.x, 1.x, Chromium',
		commands: [
			['bash', 'e2e/scripts/install-n8n.sh', 'all'],
			['bash', 'e2e/scripts/install-browser.sh'],
		],
	},
	{ name: 'fast suite on n8n 2.x, with the contract tests', commands: [['bash', 'scripts/jest-n8n2.sh', '--testNamePattern', '^(?!Sandbox )']] },
	{ name: 'e2e files', commands: [['npx', 'jest', '-c', 'e2e/jest.config.js']], env: { E2E_FILE_TIMES: e2eTimesFile }, filesFrom: e2eTimesFile },
	{ name: 'reliability: install Redis, PostgreSQL', commands: [['bash', 'e2e/scripts/install-queue-deps.sh']] },
	{
		name: 'reliability files',
		commands: [['npx', 'jest', '-c', 'e2e/jest.config.js', '--testMatch', '**/*.reliability.ts']],
		env: { E2E_FILE_TIMES: reliabilityTimesFile },
		filesFrom: reliabilityTimesFile,
	},
	{ name: 'bench smoke', commands: [['npx', 'tsx', 'bench/run.ts', '--smoke']] },
];

function run([command, ...args], env) {
	return new Promise((done) => {
		const child = spawn(command, args, { cwd: ROOT, stdio: 'inherit', env: { ...process.env, ...env } });
		child.once('error', (error) => {
			console.error(`test-all: could not start ${command}: ${error.message}`);
			done(1);
		});
		child.once('exit', (code, signal) => done(code ?? (signal ? 128 : 1)));
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

const rows = [];
const installStartedAt = Number(process.env.TEST_ALL_INSTALL_STARTED_AT);
const install = installStartedAt > 0 ? Date.now() / 1000 - installStartedAt : 0;
if (install > 0) rows.push({ name: 'install (npm ci, from .ci/run)', seconds: install, status: 'ok' });

const started = Date.now();
let failed = false;
for (const phase of PHASES) {
	if (failed && !keepGoing) {
		rows.push({ name: phase.name, status: 'not run' });
		continue;
	}
	console.log(`\ntest-all: ▶ ${phase.name}`);
	const phaseStart = Date.now();
	let status = 'ok';
	for (const command of phase.commands) {
		const code = await run(command, phase.env);
		if (code !== 0) {
			status = `FAILED (${command.join(' ')}: exit ${code})`;
			break;
		}
	}
	rows.push({ name: phase.name, seconds: seconds(Date.now() - phaseStart), status });
	if (phase.filesFrom) {
		for (const entry of fileRows(phase.filesFrom)) {
			rows.push({ name: `  ${relative(ROOT, entry.path)}`, seconds: entry.seconds, status: entry.status, detail: entry.tests });
		}
	}
	if (status !== 'ok') failed = true;
}
rmSync(timesFolder, { recursive: true, force: true });

const total = seconds(Date.now() - started) + install;
const width = Math.max(...rows.map((row) => row.name.length), 5);
const lines = [
	'',
	`test-all: wall time per phase (load average now: ${(await import('node:os')).loadavg().map((n) => n.toFixed(2)).join(' ')})`,
	`${'phase'.padEnd(width)}  ${'m:ss'.padStart(6)}  ${'seconds'.padStart(7)}  status`,
	`${'-'.repeat(width)}  ------  -------  ------`,
	...rows.map(
		(row) =>
			`${row.name.padEnd(width)}  ${clock(row.seconds).padStart(6)}  ${(row.seconds === undefined ? '' : row.seconds.toFixed(1)).padStart(7)}  ${row.status}${row.detail ? ` (${row.detail})` : ''}`,
	),
	`${'-'.repeat(width)}  ------  -------`,
	`${'total'.padEnd(width)}  ${clock(total).padStart(6)}  ${total.toFixed(1).padStart(7)}  ${failed ? 'FAILED' : 'ok'}`,
];
console.log(lines.join('\n'));
process.exit(failed ? 1 : 0);
