/**
 * `npm run probe` — checks a real OMI account against what the nodes expect.
 *
 *   OMI_API_KEY=... npm run probe -- --environment staging
 */

import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import { OMI_HOSTS } from '../nodes/omi/vendor';
import { Redactor } from './redact';
import { toJson, toMarkdown } from './report';
import { type ProbeOptions, runProbe } from './run';

/** Both candidates for the undocumented AI host (shared/omi-api.md §1). */
const AI_HOST_CANDIDATES = {
	production: ['https://public-v1.omicrm.com', 'https://ai-v1.omicrm.com'],
	staging: ['https://public-v1-stg.omicrm.com', 'https://ai-v1-stg.omicrm.com'],
};

const USAGE = `Usage: OMI_API_KEY=<your key> npm run probe -- [options]
  --environment <production|staging|custom>   default production
  --base-url <url>          host of the token and callBot endpoints (required with custom)
  --ai-base-url <url>       a host of the AI endpoints to ask; repeat for several
                            (default: both candidates of the environment)
  --autocall-id <id>        also count the calls and list the analysed logs of this session
  --upload                  ALSO SENDS one 2-second WAV to speech-to-text (it may count against your quota)
  --capture-results <url>   ALSO REPLACES the account's AI result URL with this public https URL,
                            uploads one 2-second WAV for call analysis and captures what OMI posts
                            (your tunnel must forward <url> to --listen-port on this machine)
  --listen-port <n>         local port for --capture-results (default 8787)
  --wait <s>                how long to wait for the result (default 600)
  --timeout <s>             per request (default 20)
  --out <dir>               where to write the report (default ./probe-report)

Read-only unless --upload or --capture-results is given. The API key is read from OMI_API_KEY and is never printed.`;

class UsageError extends Error {}

const VALUE_FLAGS = ['environment', 'base-url', 'ai-base-url', 'autocall-id', 'capture-results', 'listen-port', 'wait', 'timeout', 'out'] as const;
type ValueFlag = (typeof VALUE_FLAGS)[number];

function parseArgs(argv: string[]) {
	const values: Partial<Record<ValueFlag, string[]>> = {};
	const switches = new Set<string>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		const [name, inline] = arg.replace(/^--/, '').split(/=(.*)/s, 2);
		if (arg === '--help' || arg === '-h' || arg === '--upload') switches.add(name);
		else if (arg.startsWith('--') && (VALUE_FLAGS as readonly string[]).includes(name)) {
			const value = inline ?? argv[++i];
			if (value === undefined) throw new UsageError(`--${name} needs a value`);
			(values[name as ValueFlag] ??= []).push(value);
		} else throw new UsageError(`unknown argument: ${arg}`);
	}
	return { values, switches };
}

function seconds(flag: ValueFlag, raw: string | undefined, fallback: number): number {
	if (raw === undefined) return fallback;
	const value = Number(raw);
	if (!Number.isFinite(value) || value <= 0) throw new UsageError(`--${flag} must be a number > 0, got "${raw}"`);
	return value;
}

function httpUrl(flag: ValueFlag, raw: string): string {
	try {
		const url = new URL(raw);
		if (url.protocol === 'http:' || url.protocol === 'https:') return raw.replace(/\/+$/, '');
	} catch {
		// Reported below.
	}
	throw new UsageError(`--${flag} must be an http(s) URL, got "${raw}"`);
}

function toOptions(values: Partial<Record<ValueFlag, string[]>>, switches: Set<string>, apiKey: string): ProbeOptions & { out: string } {
	const environment = values.environment?.[0] ?? 'production';
	if (environment !== 'production' && environment !== 'staging' && environment !== 'custom') {
		throw new UsageError(`--environment must be production, staging or custom, got "${environment}"`);
	}
	const given = values['base-url']?.[0];
	if (environment === 'custom' && given === undefined) throw new UsageError('--environment custom needs --base-url');
	const baseUrl = given !== undefined ? httpUrl('base-url', given) : OMI_HOSTS[environment as 'production' | 'staging'].baseUrl;
	const aiGiven = (values['ai-base-url'] ?? []).map((url) => httpUrl('ai-base-url', url));
	const aiBaseUrls = aiGiven.length > 0 ? aiGiven : environment === 'custom' ? [baseUrl] : AI_HOST_CANDIDATES[environment];
	const captureUrl = values['capture-results']?.[0];
	return {
		apiKey,
		baseUrl,
		aiBaseUrls,
		autocallId: values['autocall-id']?.[0],
		upload: switches.has('upload'),
		capture:
			captureUrl === undefined
				? undefined
				: {
						publicUrl: httpUrl('capture-results', captureUrl),
						listenPort: seconds('listen-port', values['listen-port']?.[0], 8787),
						waitMs: seconds('wait', values.wait?.[0], 600) * 1000,
					},
		timeoutMs: seconds('timeout', values.timeout?.[0], 20) * 1000,
		out: resolve(values.out?.[0] ?? 'probe-report'),
	};
}

async function main(): Promise<void> {
	let options: ReturnType<typeof toOptions>;
	try {
		const { values, switches } = parseArgs(process.argv.slice(2));
		if (switches.has('help') || switches.has('h')) {
			console.log(USAGE);
			return;
		}
		const apiKey = (process.env.OMI_API_KEY ?? '').trim();
		if (apiKey === '') throw new UsageError('Set OMI_API_KEY to your OMI API key (Account > Configuration > API management).');
		options = toOptions(values, switches, apiKey);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		console.error(`${error.message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	const redactor = new Redactor();
	redactor.addSecret(options.apiKey);
	if (options.upload) console.log('--upload: one 2-second WAV goes to speech-to-text; OMI may count it against your quota.');
	if (options.capture) {
		console.log(
			[
				`--capture-results: OMI keeps ONE result URL per account. The probe replaces it with ${redactor.text(options.capture.publicUrl)}`,
				'and uploads one 2-second WAV for call analysis (it may count against your quota).',
				'Afterwards, give the URL back to n8n: deactivate and activate the workflow with the OMI AI Trigger',
				'(it registers its production URL on activation), or run OMI AI › Webhook › Register with your URL.',
			].join('\n'),
		);
	}
	const report = await runProbe({ ...options, log: (line) => console.log(redactor.text(line)) });
	mkdirSync(options.out, { recursive: true });
	const markdown = join(options.out, 'omi-probe-report.md');
	const json = join(options.out, 'omi-probe-report.json');
	writeFileSync(markdown, toMarkdown(report));
	writeFileSync(json, toJson(report));
	console.log(
		[
			'',
			`${report.totals.differences} difference(s) from the sandbox in ${report.totals.checks} checks; ${report.totals.notRead} value(s) the nodes read were not found.`,
			...report.aiHosts.map((host) => `AI host ${host.host}: ${host.verdict}`),
			`Report: ${markdown}`,
			`        ${json} (attach both to an issue as they are: secrets, tokens, phones and e-mails are replaced)`,
		].join('\n'),
	);
	if (options.capture) console.log('Remember: OMI now posts AI results to the probe\'s URL until you register your n8n URL again (see above).');
}

main().catch((error: unknown) => {
	const redactor = new Redactor();
	redactor.addSecret(process.env.OMI_API_KEY);
	console.error(`The probe stopped: ${redactor.text(error instanceof Error ? error.message : String(error))}`);
	process.exitCode = 1;
});
