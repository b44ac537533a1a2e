#!/usr/bin/env node
// The one way the repository's packages reach npm: .github/workflows/publish.yml runs it on
// a release tag, and test/publish.test.ts runs it with --dry-run. See RELEASING.md.
//
//   node scripts/publish.cjs --tag n8n-nodes-alovoice@0.1.0       (--tag defaults to GITHUB_REF_NAME)
//   node scripts/publish.cjs --dry-run [omicall|alovoice ...]      (each package named, all when none)
//   node scripts/publish.cjs --dry-run --tag n8n-nodes-omicall@0.1.0
//
// A tag names one package and its version (`<package name>@<version>`). It refuses,
// before anything reaches npm, when
//   - the tag names no package of this repository, or not that package's version;
//   - the package's homepage, repository, bugs or author are placeholders, do not name
//     one GitHub repository (the one the workflow runs in), or repository.directory is
//     not the package's folder (scripts/packages.cjs);
//   - the packed tarball holds anything but dist/, README.md, LICENSE and package.json,
//     misses a node or credential that package.json lists, or ships a dev-only folder;
//   - a file in dist/ points at the placeholder host, or at a GitHub address outside
//     the repository (the documentation links of the nodes and credentials);
//   - n8n's scanner lint fails on the unpacked tarball (scripts/scanner-lint.mjs).
// Then it publishes that same tarball from the package's folder:
// `npm publish <tarball> --provenance --access public`, or with --dry-run
// `npm publish <tarball> --dry-run` without provenance, which needs GitHub's OIDC token.
const { execFileSync, spawnSync } = require('node:child_process');
const { mkdirSync, mkdtempSync, readFileSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const {
	findPackage,
	isLowerVersion,
	isUnder,
	metadataProblems,
	packageChoice,
	packageOfTag,
	PLACEHOLDER_HOST,
	repositoryPackages,
	repositoryWebUrl,
	tagOf,
} = require('./packages.cjs');

const ALWAYS_SHIPPED = ['LICENSE', 'README.md', 'package.json'];
// Dev-only tools never ship (the sandbox, tests, benchmarks, the demo and e2e harness).
const DEV_ONLY = /^dist\/(?:sandbox|test|e2e|bench|scripts)\/|\.test\.[jt]s$/;
// npm trusted publishing (OIDC) needs npm 11.5.1 or newer.
const MIN_NPM_FOR_TRUSTED_PUBLISHING = '11.5.1';
const USAGE = 'usage: node scripts/publish.cjs --tag <package>@X.Y.Z [--dry-run] | --dry-run [package...]';

class Refused extends Error {
	/** `what` is the release (`<package>@<version>`) refused, when known. */
	constructor(what, problems) {
		super(`publish ${what ? `of ${what} ` : ''}refused:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
	}
}

/** A command line this script does not understand. */
class Usage extends Error {}

/** The command line as { dryRun, tag, names }; a publish takes its tag from GITHUB_REF_NAME when not given. */
function parseArgs(argv, env = process.env) {
	const args = { dryRun: false, tag: undefined, names: [] };
	for (let i = 0; i < argv.length; i++) {
		if (argv[i] === '--dry-run') args.dryRun = true;
		else if (argv[i] === '--tag') args.tag = argv[++i] ?? '';
		else if (argv[i].startsWith('-')) throw new Usage(`unknown argument ${argv[i]}; ${USAGE}`);
		else args.names.push(argv[i]);
	}
	if (args.names.length > 0 && (args.tag !== undefined || !args.dryRun)) {
		throw new Usage(`packages are named only in a dry run; a publish takes its package from the tag; ${USAGE}`);
	}
	if (!args.dryRun && args.tag === undefined) args.tag = env.GITHUB_REF_NAME;
	return args;
}

/**
 * The packages to publish: the one the tag names (a publish, or a dry run with --tag),
 * else those named (all when none). { packages } or { problem }.
 */
function packagesToPublish(packages, { dryRun, tag, names }) {
	if (tag !== undefined || !dryRun) {
		const { package: found, problem } = packageOfTag(packages, tag);
		return found ? { packages: [found] } : { problem };
	}
	const unknown = names.filter((name) => !findPackage(packages, name));
	if (unknown.length > 0) {
		return { problem: `${unknown.join(', ')}: no package of this repository; name ${packageChoice(packages)}` };
	}
	return { packages: names.length > 0 ? names.map((name) => findPackage(packages, name)) : packages };
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
 * Addresses in the files `paths` (under `dir`) of dist/ that are placeholders, or GitHub
 * addresses outside the repository (RELEASING.md names the placeholder on purpose).
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

/** Checks one package (an entry of repositoryPackages) and publishes it; returns npm's exit status. */
async function publishPackage({ name, folder, dir, pkg }, { dryRun, actionsRepository, npmProblem }) {
	const what = tagOf(name, pkg.version);
	const problems = metadataProblems(pkg, { actionsRepository, folder });
	if (npmProblem) problems.push(npmProblem);

	const work = mkdtempSync(join(tmpdir(), `${name}-publish-`));
	try {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], { cwd: dir, encoding: 'utf8' }),
		);
		const tarball = join(work, packed.filename);
		const paths = packed.files.map((file) => file.path).sort();
		problems.push(...tarballProblems(pkg, paths));

		const unpacked = join(work, 'package');
		mkdirSync(unpacked);
		execFileSync('tar', ['-xzf', tarball, '-C', unpacked, '--strip-components=1']);
		problems.push(...shippedUrlProblems(pkg, unpacked, paths));
		if (problems.length > 0) throw new Refused(what, problems);

		// An ES module that loads n8n's scanner (and ESLint): only a publish that got this far needs it.
		const { scannerLint } = await import('./scanner-lint.mjs');
		const lintFailures = await scannerLint(unpacked, { tarballOnly: true });
		if (lintFailures.length > 0) {
			throw new Refused(what, lintFailures.map((failure) => `n8n's scanner lint of the tarball: ${failure}`));
		}

		process.stdout.write(`${packed.filename}: ${paths.length} files\n${paths.map((path) => `  ${path}`).join('\n')}\n`);
		const publishArgs = dryRun
			? ['publish', tarball, '--dry-run', '--provenance=false', '--access', 'public']
			: ['publish', tarball, '--provenance', '--access', 'public'];
		process.stdout.write(`npm ${publishArgs.join(' ')} (in ${folder})\n`);
		return spawnSync('npm', publishArgs, { cwd: dir, stdio: 'inherit' }).status ?? 1;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

/** Publishes (or dry-runs) what the command line asks for, from the repository in `root`; returns the exit status. */
async function main(argv, { env = process.env, root = process.cwd() } = {}) {
	const args = parseArgs(argv, env);
	const { packages, problem } = packagesToPublish(repositoryPackages(root), args);
	if (problem) throw new Refused(undefined, [problem]);
	const npmProblem = args.dryRun ? undefined : npmVersionProblem();
	let status = 0;
	for (const target of packages) {
		try {
			const published = await publishPackage(target, { dryRun: args.dryRun, actionsRepository: env.GITHUB_REPOSITORY, npmProblem });
			if (published !== 0) status = published;
		} catch (error) {
			if (!(error instanceof Refused)) throw error;
			process.stderr.write(`${error.message}\n`);
			status = 1;
		}
	}
	return status;
}

module.exports = { packagesToPublish, parseArgs, shippedUrlProblems, tarballProblems };

if (require.main === module) {
	main(process.argv.slice(2)).then(
		(status) => {
			process.exitCode = status;
		},
		(error) => {
			process.stderr.write(`${error instanceof Refused || error instanceof Usage ? error.message : error.stack}\n`);
			process.exitCode = 1;
		},
	);
}
