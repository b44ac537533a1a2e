#!/usr/bin/env node
// Runs a command while every core is kept busy, to check that the tests wait for states and not
// for times (dev-only; plain Node, nothing to install):
//
//   node scripts/under-load.mjs npm run test:all
//   LOAD_WORKERS=4 node scripts/under-load.mjs npx jest -c e2e/jest.config.js e2e/tests/editor.e2e.ts
//
// LOAD_WORKERS busy threads (default: one per core) spin at normal priority until the command
// ends; the exit code is the command's. The load average it reaches is printed at the end.
import { spawn } from 'node:child_process';
import { availableParallelism, loadavg } from 'node:os';
import { Worker } from 'node:worker_threads';

const command = process.argv.slice(2);
if (command.length === 0) {
	console.error('usage: node scripts/under-load.mjs <command> [args...]');
	process.exit(2);
}
const count = Number(process.env.LOAD_WORKERS ?? availableParallelism());
const spin = 'for (;;) { Math.sqrt(Math.random()); }';
const workers = Array.from({ length: count }, () => new Worker(spin, { eval: true }));
let highest = 0;
const sampler = setInterval(() => (highest = Math.max(highest, loadavg()[0])), 5000);
console.error(`under-load: ${count} busy thread(s) started; running ${command.join(' ')}`);

const child = spawn(command[0], command.slice(1), { stdio: 'inherit' });
const finish = async (code) => {
	clearInterval(sampler);
	await Promise.all(workers.map((worker) => worker.terminate()));
	console.error(`under-load: stopped the busy threads; highest 1-minute load average seen: ${highest.toFixed(2)}`);
	process.exit(code);
};
child.once('error', (error) => {
	console.error(`under-load: could not start ${command[0]}: ${error.message}`);
	void finish(1);
});
child.once('exit', (code, signal) => void finish(code ?? (signal ? 128 : 1)));
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
