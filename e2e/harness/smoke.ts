// Smoke test against a REAL n8n: builds and packs this package, boots the pinned
// n8n with it installed as a community package, and checks that n8n lists our
// nodes and credentials, serves our icon, and takes a credential over the public API.
//
//   npx tsx e2e/harness/smoke.ts 2     # n8n 2.41.1 (Node 24 from e2e/n8n-2)
//   npx tsx e2e/harness/smoke.ts 1     # n8n 1.123.81
//
// Needs e2e/scripts/install-n8n.sh <2|1> first. E2E_N8N_LOG=1 echoes n8n's log;
// E2E_TARBALL=<file> skips the build and uses that tarball.
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

import { freePort, startN8n, type N8nServer, type N8nVersion } from './n8nServer';

const ROOT = path.resolve(__dirname, '..', '..');
const PACKAGE = 'n8n-nodes-omicall';
const NODE_TYPES = ['omiAi', 'omiAiTrigger', 'alovoice'].map((n) => `${PACKAGE}.${n}`);
const CREDENTIAL_TYPES = ['omiCallApi', 'alovoiceApi'];

let passed = 0;
let failed = 0;

function check(name: string, ok: boolean, detail = ''): void {
	if (ok) passed++;
	else failed++;
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}${detail ? ` — ${detail}` : ''}`);
}

function sh(cmd: string, args: string[], cwd: string): Promise<string> {
	return new Promise((resolve, reject) => {
		execFile(cmd, args, { cwd, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
			if (error) reject(new Error(`${cmd} ${args.join(' ')} failed: ${error.message}\n${stdout}${stderr}`));
			else resolve(stdout);
		});
	});
}

async function buildTarball(destination: string): Promise<string> {
	if (process.env.E2E_TARBALL) return path.resolve(process.env.E2E_TARBALL);
	console.log('building and packing the package…');
	await sh('npm', ['run', 'build'], ROOT);
	await sh('npm', ['pack', '--pack-destination', destination], ROOT);
	const tgz = fs.readdirSync(destination).find((f) => f.startsWith(PACKAGE) && f.endsWith('.tgz'));
	if (!tgz) throw new Error(`npm pack left no ${PACKAGE}-*.tgz in ${destination}`);
	return path.join(destination, tgz);
}

type IconUrl = string | { light?: string; dark?: string } | undefined;

function iconPaths(iconUrl: IconUrl): string[] {
	if (!iconUrl) return [];
	if (typeof iconUrl === 'string') return [iconUrl];
	return [iconUrl.light, iconUrl.dark].filter((u): u is string => !!u);
}

async function smoke(n8n: N8nServer): Promise<void> {
	// Node and credential types: served to the editor (session cookie needed) from the static cache.
	const nodes = await n8n.rest<Array<{ name: string; iconUrl?: IconUrl; version: number | number[] }>>(
		'GET',
		'/types/nodes.json',
	);
	check('GET /types/nodes.json', nodes.ok && Array.isArray(nodes.body), `HTTP ${nodes.status}`);
	const names = new Set((Array.isArray(nodes.body) ? nodes.body : []).map((n) => n.name));
	for (const type of NODE_TYPES) check(`node type ${type} is listed`, names.has(type));

	const creds = await n8n.rest<Array<{ name: string }>>('GET', '/types/credentials.json');
	const credNames = new Set((Array.isArray(creds.body) ? creds.body : []).map((c) => c.name));
	for (const type of CREDENTIAL_TYPES) check(`credential type ${type} is listed`, credNames.has(type));

	// Icons: the editor fetches the iconUrl of each description, relative to the base URL.
	const omiAi = (Array.isArray(nodes.body) ? nodes.body : []).find((n) => n.name === `${PACKAGE}.omiAi`);
	const urls = iconPaths(omiAi?.iconUrl);
	console.log(`     omiAi iconUrl: ${JSON.stringify(omiAi?.iconUrl)}`);
	check('omiAi has an iconUrl', urls.length > 0);
	const expected = [`icons/${PACKAGE}/dist/icons/omi.svg`, `icons/${PACKAGE}/dist/icons/omi.dark.svg`];
	check(
		'iconUrl has the form icons/<package>/dist/icons/<file>.svg',
		urls.every((u) => expected.includes(u.replace(/^\//, ''))),
		urls.join(', '),
	);
	for (const u of urls) {
		const res = await fetch(`${n8n.baseUrl}/${u.replace(/^\//, '')}`); // no cookie: the editor loads icons as <img>
		const type = res.headers.get('content-type') ?? '';
		const text = await res.text();
		check(`GET /${u.replace(/^\//, '')} serves SVG`, res.ok && type.includes('image/svg+xml') && text.includes('<svg'), `HTTP ${res.status} ${type}`);
	}

	// A credential through the public API (n8n 1.x refuses this data: see createCredential).
	const data = {
		apiKey: 'sandbox-api-key',
		environment: 'custom',
		baseUrl: 'http://127.0.0.1:3990',
		aiBaseUrl: 'http://127.0.0.1:3990',
	};
	try {
		const cred = await n8n.createCredential('OMI sandbox (e2e smoke)', 'omiCallApi', data);
		if (cred.publicApiError) console.log(`     public API refused the data on n8n ${n8n.n8nVersion}: ${cred.publicApiError}`);
		check(
			`credential omiCallApi (environment custom) created`,
			n8n.version === '1' || cred.via === 'public-api',
			`via ${cred.via === 'rest' ? 'POST /rest/credentials (n8n 1.x fallback)' : 'POST /api/v1/credentials'}, id ${cred.id}`,
		);
		const stored = await n8n.rest<{ data?: { type?: string; data?: Record<string, unknown> } }>(
			'GET',
			`/rest/credentials/${cred.id}?includeData=true`,
		);
		const saved = stored.body?.data?.data ?? {};
		check(
			'the stored credential keeps environment and base URLs',
			stored.ok &&
				stored.body?.data?.type === 'omiCallApi' &&
				saved.environment === 'custom' &&
				saved.baseUrl === data.baseUrl &&
				saved.aiBaseUrl === data.aiBaseUrl,
			`HTTP ${stored.status} ${JSON.stringify({ ...saved, apiKey: saved.apiKey ? '<set>' : saved.apiKey })}`,
		);
	} catch (error) {
		check('credential omiCallApi (environment custom) created', false, (error as Error).message);
	}

	const workflows = await n8n.api<{ data: unknown[] }>('GET', '/workflows');
	check('GET /api/v1/workflows', workflows.ok && Array.isArray(workflows.body?.data), `HTTP ${workflows.status}, ${workflows.body?.data?.length} workflow(s)`);
}

async function main(): Promise<void> {
	const version = process.argv[2] as N8nVersion;
	if (version !== '2' && version !== '1') {
		console.error('usage: npx tsx e2e/harness/smoke.ts <2|1>');
		process.exit(2);
	}
	const work = fs.mkdtempSync(path.join(os.tmpdir(), 'omicall-e2e-pack-'));
	let n8n: N8nServer | undefined;
	try {
		const tarball = await buildTarball(work);
		console.log(`tarball: ${tarball}`);
		const port = Number(process.env.E2E_PORT) || (await freePort());
		const t0 = Date.now();
		n8n = await startN8n({ version, tarball, port });
		console.log(`n8n ${n8n.n8nVersion} up at ${n8n.baseUrl} in ${((Date.now() - t0) / 1000).toFixed(1)} s (user folder ${n8n.userFolder})`);
		await smoke(n8n);
		if (failed) console.log(`--- n8n log tail ---\n${n8n.logTail(40)}`);
	} catch (error) {
		failed++;
		console.error(`FAIL smoke aborted: ${error instanceof Error ? error.message : String(error)}`);
	} finally {
		if (n8n) await n8n.stop();
		fs.rmSync(work, { recursive: true, force: true });
	}
	console.log(`${passed} passed, ${failed} failed`);
	process.exit(failed ? 1 : 0);
}

void main();
