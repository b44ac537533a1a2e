/**
 * `npm run bench` (full, writes bench/RESULTS.md) and `npm run bench:smoke`
 * (tiny sizes, one run, writes nothing): every measurement of issue 7 inside
 * a real n8n 2.x server against the OMI sandbox on 127.0.0.1.
 *
 *   tsx bench/run.ts [--smoke] [--runs N] [--only large,many,campaign,trigger,calls,profile]
 *
 * The exit code is non-zero only when the bench itself breaks, never because
 * a target is missed.
 */

import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';

import { callPoll } from './cases/callPoll';
import { campaignStart } from './cases/campaign';
import { largeUpload } from './cases/largeUpload';
import { manyRecordings } from './cases/manyRecordings';
import { profilePass } from './cases/profile';
import { triggerIntake } from './cases/trigger';
import { type BenchConfig, FULL, SMOKE } from './config';
import { startBenchEnv } from './lib/env';
import { renderResults, withKeptAnalysis } from './lib/markdown';
import { Results } from './lib/report';

const CASES = {
	large: largeUpload,
	many: manyRecordings,
	campaign: campaignStart,
	trigger: triggerIntake,
	calls: callPoll,
} as const;

type CaseName = keyof typeof CASES | 'profile';
const ALL_CASES: CaseName[] = [...(Object.keys(CASES) as CaseName[]), 'profile'];

interface Arguments {
	config: BenchConfig;
	only: CaseName[];
}

function parseArguments(argv: string[]): Arguments {
	const smoke = argv.includes('--smoke');
	const config = { ...(smoke ? SMOKE : FULL) };
	const runsAt = argv.indexOf('--runs');
	if (runsAt !== -1) config.runs = Math.max(1, Number(argv[runsAt + 1]));
	const onlyAt = argv.indexOf('--only');
	const only = onlyAt === -1 ? ALL_CASES : (argv[onlyAt + 1].split(',') as CaseName[]);
	const unknown = only.filter((name) => !ALL_CASES.includes(name));
	if (unknown.length > 0) throw new Error(`unknown case(s): ${unknown.join(', ')}; known: ${ALL_CASES.join(', ')}`);
	return { config, only };
}

const log = (line: string) => process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** The cases that share one n8n, in order; then the profiling pass, on an n8n of its own. */
async function runCases(config: BenchConfig, only: CaseName[], results: Results): Promise<void> {
	const shared = (Object.keys(CASES) as Array<keyof typeof CASES>).filter((name) => only.includes(name));
	if (shared.length > 0) {
		log(`starting n8n 2.x and the sandbox (${config.smoke ? 'smoke' : 'full'} run, ${config.runs} run(s) each)`);
		const env = await startBenchEnv({ requestLogLimit: config.sandboxRequestLog });
		try {
			for (const name of shared) {
				log(`case: ${name}`);
				await CASES[name]({ env, config, results, log });
			}
		} catch (error) {
			log(`n8n log tail:\n${env.n8n.logTail(40)}`);
			throw error;
		} finally {
			await env.close();
		}
	}
	if (only.includes('profile')) {
		log('case: profile (a second n8n, under --cpu-prof)');
		await profilePass({ config, results, log });
	}
}

async function main(): Promise<void> {
	const { config, only } = parseArguments(process.argv.slice(2));
	const extra = process.argv.slice(2).filter((argument) => argument !== '--smoke');
	const command = `npm run ${config.smoke ? 'bench:smoke' : 'bench'}${extra.length ? ` -- ${extra.join(' ')}` : ''}`;
	const started = Date.now();
	const results = new Results();
	const loadBefore = loadavg()[0];
	await runCases(config, only, results);
	results.note(
		`Load average (1 minute) of the machine: ${loadBefore.toFixed(1)} when the bench started, ${loadavg()[0].toFixed(1)} when it ended (${cpus().length} cores); other work on a shared machine shows up in the spread.`,
	);

	const markdown = renderResults(results, { command, minutes: (Date.now() - started) / 60_000, config });
	process.stdout.write(`\n${markdown}\n`);
	// Only a full run of everything stands for the machine; smoke and partial runs only print.
	if (!config.smoke && only.length === ALL_CASES.length) {
		const file = join(__dirname, 'RESULTS.md');
		writeFileSync(file, withKeptAnalysis(markdown, file));
		log('wrote bench/RESULTS.md');
	}
}

main().then(
	() => process.exit(0),
	(error: unknown) => {
		log(`the bench broke: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
		process.exit(1);
	},
);
