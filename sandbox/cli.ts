/**
 * `npm run sandbox` — runs the OMI sandbox until Ctrl+C.
 *
 *   npm run sandbox -- --port 3990 --result-delay 500 --dnc 0900000001,0900000002
 */

import { type RegisterAnswer, SANDBOX_DEFAULTS, startSandbox, type SandboxOptions } from './server';

const USAGE = `Usage: tsx sandbox/cli.ts [options]
  --port <n>            port to listen on (default ${SANDBOX_DEFAULTS.port}; 0 = any free port)
  --host <host>         interface to bind (default ${SANDBOX_DEFAULTS.host})
  --api-key <key>       the API key the sandbox accepts (default ${SANDBOX_DEFAULTS.apiKey})
  --token-ttl <s>       access token lifetime in seconds (default ${SANDBOX_DEFAULTS.tokenTtlMs / 1000})
  --result-delay <ms>   delay before an upload's result is POSTed to the webhook (default ${SANDBOX_DEFAULTS.resultDelayMs})
  --dnc <phones>        comma-separated phones answered with number_dnc
  --invalid <phones>    comma-separated phones answered with invalid_phone_number
  --register-answer <envelope|empty>
                        answer a webhook registration with OMI's envelope (default) or a bare 200
  --key-error-status <n>
                        HTTP status of the answer to a missing or wrong API key (default ${SANDBOX_DEFAULTS.keyErrorStatus})
  --calls-every <s>     add a few finished calls to the call history every s seconds (default: none)
  --quiet               do not log requests`;

class UsageError extends Error {}

const FLAGS = ['port', 'host', 'api-key', 'token-ttl', 'result-delay', 'dnc', 'invalid', 'register-answer', 'key-error-status', 'calls-every'] as const;
type Flag = (typeof FLAGS)[number];

function parseArgs(argv: string[]): { values: Partial<Record<Flag, string>>; quiet: boolean; help: boolean } {
	const values: Partial<Record<Flag, string>> = {};
	let quiet = false;
	let help = false;
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i];
		if (arg === '--help' || arg === '-h') help = true;
		else if (arg === '--quiet') quiet = true;
		else {
			// Both "--port 3990" and "--port=3990".
			const [name, inline] = arg.replace(/^--/, '').split(/=(.*)/s, 2);
			if (!arg.startsWith('--') || !(FLAGS as readonly string[]).includes(name)) throw new UsageError(`unknown argument: ${arg}`);
			const value = inline ?? argv[++i];
			if (value === undefined) throw new UsageError(`--${name} needs a value`);
			values[name as Flag] = value;
		}
	}
	return { values, quiet, help };
}

function number(flag: Flag, raw: string | undefined): number | undefined {
	if (raw === undefined) return undefined;
	const value = Number(raw);
	if (raw.trim() === '' || !Number.isFinite(value) || value < 0) throw new UsageError(`--${flag} must be a number >= 0, got "${raw}"`);
	return value;
}

const list = (raw: string | undefined) =>
	raw
		?.split(',')
		.map((item) => item.trim())
		.filter(Boolean);

function registerAnswer(raw: string | undefined): RegisterAnswer | undefined {
	if (raw === undefined || raw === 'envelope' || raw === 'empty') return raw;
	throw new UsageError(`--register-answer must be "envelope" or "empty", got "${raw}"`);
}

function toOptions(values: Partial<Record<Flag, string>>, quiet: boolean): SandboxOptions {
	const ttlSeconds = number('token-ttl', values['token-ttl']);
	const callsEverySeconds = number('calls-every', values['calls-every']);
	return {
		port: number('port', values.port),
		host: values.host,
		apiKey: values['api-key'],
		tokenTtlMs: ttlSeconds === undefined ? undefined : ttlSeconds * 1000,
		resultDelayMs: number('result-delay', values['result-delay']),
		dncPhones: list(values.dnc),
		invalidPhones: list(values.invalid),
		registerAnswer: registerAnswer(values['register-answer']),
		keyErrorStatus: number('key-error-status', values['key-error-status']),
		callsEveryMs: callsEverySeconds === undefined ? undefined : callsEverySeconds * 1000,
		log: quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
	};
}

async function main(): Promise<void> {
	let parsed: ReturnType<typeof parseArgs>;
	let options: SandboxOptions;
	try {
		parsed = parseArgs(process.argv.slice(2));
		options = toOptions(parsed.values, parsed.quiet);
	} catch (error) {
		if (!(error instanceof UsageError)) throw error;
		console.error(`${error.message}\n\n${USAGE}`);
		process.exitCode = 2;
		return;
	}
	if (parsed.help) {
		console.log(USAGE);
		return;
	}

	const sandbox = await startSandbox(options);
	const ttlMs = options.tokenTtlMs ?? SANDBOX_DEFAULTS.tokenTtlMs;
	console.log(
		[
			`OMI sandbox listening on ${sandbox.url}`,
			`  API key:        ${sandbox.apiKey}`,
			`  result delay:   ${options.resultDelayMs ?? SANDBOX_DEFAULTS.resultDelayMs} ms (upload -> webhook POST), retries every ${SANDBOX_DEFAULTS.webhookRetryMs} ms, ${SANDBOX_DEFAULTS.webhookMaxAttempts} attempts`,
			`  token lifetime: ${ttlMs / 1000} s`,
			`  DNC phones:     ${options.dncPhones?.join(', ') || '(none)'}`,
			`  invalid phones: ${options.invalidPhones?.join(', ') || '(none)'}`,
			`  call history:   ${options.callsEveryMs ? `a few new calls every ${options.callsEveryMs / 1000} s` : 'calls only via POST /_sandbox/calls'}`,
			`  control API:    ${sandbox.url}/_sandbox/stats, /_sandbox/uploads, /_sandbox/deliveries, /_sandbox/reset ...`,
			`n8n: in the OMICall API credential choose Environment "Custom", set Base URL and AI Base URL to ${sandbox.url} and API Key to ${sandbox.apiKey}.`,
		].join('\n'),
	);

	let stopping = false;
	const stop = (signal: NodeJS.Signals) => {
		if (stopping) {
			console.log(`${signal} again: exiting now`);
			process.exit(1);
		}
		stopping = true;
		console.log(`${signal}: stopping the sandbox...`);
		void sandbox.close().then(() => console.log('sandbox stopped'));
	};
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
