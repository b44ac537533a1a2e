#!/usr/bin/env node
// The one way this package reaches npm: .github/workflows/publish.yml runs it on a
// version tag, and test/publish.test.ts runs it with --dry-run.
//
//   node scripts/publish.mjs --tag v0.1.0 [--dry-run]     (--tag defaults to GITHUB_REF_NAME)
//
// It refuses, before anything reaches npm, when
//   - the tag is not "v" + package.json's version;
//   - package.json's homepage, repository, bugs or author are placeholders, or do not
//     name one GitHub repository (the one the workflow runs in) (scripts/package-metadata.mjs);
//   - the packed tarball holds anything but dist/, README.md, LICENSE and package.json,
//     misses a node or credential that package.json lists, or ships a dev-only folder;
//   - a file in dist/ points at the placeholder host, or at a GitHub address outside
//     the repository (the documentation links of the nodes and credentials);
//   - n8n's scanner lint fails on the unpacked tarball (scripts/scanner-lint.mjs).
// Then it publishes that same tarball: `npm publish <tarball> --provenance --access public`,
// or with --dry-run `npm publish <tarball> --dry-run` without provenance, which needs
// GitHub's OIDC token.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isLowerVersion, isUnder, metadataProblems, PLACEHOLDER_HOST, repositoryWebUrl } from './package-metadata.mjs';
import { scannerLint } from './scanner-lint.mjs';

const ALWAYS_SHIPPED = ['LICENSE', 'README.md', 'package.json'];
// Dev-only tools never ship (the sandbox, tests, benchmarks, the demo and e2e harness).
const DEV_ONLY = /^dist\/(?:sandbox|test|e2e|bench|scripts)\/|\.test\.[jt]s$/;
// npm trusted publishing (OIDC) needs npm 11.5.1 or newer.
const MIN_NPM_FOR_TRUSTED_PUBLISHING = '11.5.1';

function parseArgs(argv) {
	const args = { dryRun: false, tag: process.env.GITHUB_REF_NAME };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--dry-run') args.dryRun = true;
		else if (argv[i] === '--tag') args.tag = argv[++i];
		else throw new Error(`unknown argument ${argv[i]}; usage: node scripts/publish.mjs --tag vX.Y.Z [--dry-run]`);
	}
	return args;
}

function npmVersionProblem() {
	const version = execFileSync('npm', ['--version'], { encoding: 'utf8' }).trim();
	if (isLowerVersion(version, MIN_NPM_FOR_TRUSTED_PUBLISHING)) {
		return `npm ${version} cannot publish with trusted publishing; it needs npm ${MIN_NPM_FOR_TRUSTED_PUBLISHING} or newer (Node 24 brings one)`;
	}
	return undefined;
}

/** What is wrong with the tarball's file list. */
function tarballProblems(pkg, paths) {
	const problems = [];
	const extra = paths.filter((path) => !path.startsWith('dist/') && !ALWAYS_SHIPPED.includes(path));
	if (extra.length > 0) {
		problems.push(`the tarball holds files outside dist/, README.md, LICENSE and package.json: ${extra.join(', ')}`);
	}
	const devOnly = paths.filter((path) => DEV_ONLY.test(path));
	if (devOnly.length > 0) problems.push(`the tarball ships dev-only files: ${devOnly.join(', ')}`);
	const listed = [...ALWAYS_SHIPPED, ...(pkg.n8n?.nodes ?? []), ...(pkg.n8n?.credentials ?? []), pkg.main];
	const missing = listed.filter((path) => path && !paths.includes(path));
	if (missing.length > 0) problems.push(`the tarball misses ${missing.join(', ')} (did npm run build run?)`);
	return problems;
}

/**
 * Addresses in dist/ that are placeholders, or GitHub addresses outside the repository
 * (README.md names the placeholder on purpose, in its Publishing section).
 */
function shippedUrlProblems(pkg, dir, paths) {
	const web = repositoryWebUrl(pkg);
	const wrong = new Map();
	for (const path of paths.filter((p) => p.startsWith('dist/'))) {
		for (const [url] of readFileSync(join(dir, path), 'utf8').matchAll(/https?:\/\/[^\s"'`)<>\\]+/g)) {
			const placeholder = url.includes(PLACEHOLDER_HOST);
			const foreignGithub = /^https?:\/\/github\.com\//.test(url) && !(web && isUnder(url, web));
			if (placeholder || foreignGithub) wrong.set(url, (wrong.get(url) ?? new Set()).add(path));
		}
	}
	return [...wrong].map(
		([url, files]) =>
			`${url} (in ${[...files].join(', ')}) ${url.includes(PLACEHOLDER_HOST) ? 'is still the placeholder' : 'is outside the repository'}: documentation links (nodes/*/*.node.json, credentials/*.ts) must be under ${web ?? 'the repository'}`,
	);
}

class Refused extends Error {
	constructor(problems) {
		super(`publish refused:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
	}
}

async function publish({ tag, dryRun }) {
	const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
	const problems = [];
	if (!tag) problems.push('no tag: pass --tag vX.Y.Z (publish.yml passes the tag it runs for)');
	else if (tag !== `v${pkg.version}`) {
		problems.push(`the tag ${tag} is not v${pkg.version}, package.json's version: tag releases with npm run release`);
	}
	problems.push(...metadataProblems(pkg, process.env.GITHUB_REPOSITORY));
	const npmProblem = dryRun ? undefined : npmVersionProblem();
	if (npmProblem) problems.push(npmProblem);

	const work = mkdtempSync(join(tmpdir(), 'n8n-nodes-omicall-publish-'));
	try {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { encoding: 'utf8' }),
		);
		const tarball = join(work, packed.filename);
		const paths = packed.files.map((file) => file.path).sort();
		problems.push(...tarballProblems(pkg, paths));

		const unpacked = join(work, 'package');
		mkdirSync(unpacked);
		execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
		problems.push(...shippedUrlProblems(pkg, unpacked, paths));
		if (problems.length > 0) throw new Refused(problems);

		const lintFailures = await scannerLint(unpacked, { tarballOnly: true });
		if (lintFailures.length > 0) {
			throw new Refused(lintFailures.map((failure) => `n8n's scanner lint of the tarball: ${failure}`));
		}

		process.stdout.write(`${packed.filename}: ${paths.length} files\n${paths.map((path) => `  ${path}`).join('\n')}\n`);
		const publishArgs = dryRun
			? ['publish', tarball, '--dry-run', '--provenance=false', '--access', 'public']
			: ['publish', tarball, '--provenance', '--access', 'public'];
		process.stdout.write(`npm ${publishArgs.join(' ')}\n`);
		return spawnSync('npm', publishArgs, { stdio: 'inherit' }).status ?? 1;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

try {
	process.exitCode = await publish(parseArgs(process.argv.slice(2)));
} catch (error) {
	process.stderr.write(`${error instanceof Refused ? error.message : error.stack}\n`);
	process.exitCode = 1;
}
