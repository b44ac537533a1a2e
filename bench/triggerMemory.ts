/**
 * `npx tsx bench/triggerMemory.ts [--deliveries N] [--variants ours,webhook,hand-built,minimal] [--rounds R] [--warm-up W] [--heap-snapshots]`
 *
 * Issue 25's focused measurement, a few minutes instead of the whole bench:
 * one n8n 2.x (the bench's environment) with the intake workflows of the
 * trigger case; each variant in turn gets N analysis results, 10 at a time,
 * while n8n's main-process RSS is sampled every 50 ms, after W deliveries
 * to each (the bench's warm-up), and in the bench's order (reversed every
 * other round). Prints, per variant
 * and round, the deliveries per second, the peak RSS growth, the growth left
 * when the run ended and 10 s later. With --heap-snapshots n8n runs with
 * --heapsnapshot-signal=SIGUSR2 and writes a snapshot before and after each
 * run into a temp folder (printed), for Chrome DevTools' comparison view.
 */

import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { deliver, deployIntakes, type IntakeWorkflow } from './cases/trigger';
import { FULL } from './config';
import { startBenchEnv } from './lib/env';
import { inTurn } from './lib/measure';
import { rssBytes } from './lib/proc';

const MB = 1024 * 1024;

function option(name: string, fallback: string): string {
	const at = process.argv.indexOf(`--${name}`);
	return at === -1 ? fallback : process.argv[at + 1];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function heapSnapshot(pid: number, folder: string): Promise<string> {
	const before = new Set(readdirSync(folder));
	process.kill(pid, 'SIGUSR2');
	for (;;) {
		await sleep(1000);
		const written = readdirSync(folder).find((name) => !before.has(name) && name.endsWith('.heapsnapshot'));
		// V8 writes the file in one go once it has walked the heap; wait until its size stops changing.
		if (written) {
			await sleep(3000);
			return join(folder, written);
		}
	}
}

async function main(): Promise<void> {
	const deliveries = Number(option('deliveries', '500'));
	const rounds = Number(option('rounds', '1'));
	const warmUp = Number(option('warm-up', String(FULL.trigger.warmUp)));
	const wanted = option('variants', 'ours,webhook,hand-built,minimal').split(',');
	const snapshots = process.argv.includes('--heap-snapshots');
	const snapshotDir = snapshots ? mkdtempSync(join(tmpdir(), 'omicall-heap-')) : undefined;
	const env = await startBenchEnv(
		snapshotDir ? { env: { NODE_OPTIONS: `--heapsnapshot-signal=SIGUSR2 --diagnostic-dir=${snapshotDir}` } } : {},
	);
	try {
		const intakes = Object.values(await deployIntakes(env)).filter((intake: IntakeWorkflow) => wanted.includes(intake.key));
		for (const intake of intakes) await deliver(env, intake, `memory-warm-up-${intake.key}`, warmUp, 10);
		process.stdout.write(`n8n ${env.n8n.n8nVersion}, ${deliveries} analysis results per run, 10 at a time\n`);
		process.stdout.write('variant | round | deliveries/s | answers/s | RSS before MB | peak growth MB | growth at end MB | growth 10 s later MB | lost | posted more than once\n');
		for (let round = 0; round < rounds; round++) {
			for (const intake of inTurn(intakes, round)) {
				if (snapshotDir) process.stderr.write(`snapshot before ${intake.key}: ${await heapSnapshot(env.pid(), snapshotDir)}\n`);
				const before = rssBytes(env.pid());
				const run = await deliver(env, intake, `memory-${intake.key}-${round}`, deliveries, 10);
				const atEnd = rssBytes(env.pid());
				await sleep(10_000);
				const later = rssBytes(env.pid());
				const figures = [
					intake.label,
					round + 1,
					((deliveries * 1000) / run.totalMs).toFixed(1),
					((deliveries * 1000) / run.answeredMs).toFixed(1),
					(before / MB).toFixed(0),
					(run.rssGrowth / MB).toFixed(0),
					((atEnd - before) / MB).toFixed(0),
					((later - before) / MB).toFixed(0),
					run.lost,
					run.retried,
				];
				process.stdout.write(`${figures.join(' | ')}\n`);
				if (snapshotDir) process.stderr.write(`snapshot after ${intake.key}: ${await heapSnapshot(env.pid(), snapshotDir)}\n`);
			}
		}
	} finally {
		await env.close();
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
		process.exit(1);
	},
);
