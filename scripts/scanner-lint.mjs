#!/usr/bin/env node
// n8n's own verification lint, run here with n8n's own code: the pinned
// @n8n/scan-community-package lints the provenance-attested source (package.json,
// nodes/ and credentials/) and the published tarball's .js files and package.json
// with its config (both n8n rule sets, no-console, eslint-disable comments ignored).
//
//   node scripts/scanner-lint.mjs            the source, and the tarball `npm pack` makes of this folder
//   node scripts/scanner-lint.mjs DIR...     the same, for each package folder DIR (the repository holds two packages)
//   node scripts/scanner-lint.mjs --tarball DIR   only the scanner's tarball leg, on an unpacked tarball in DIR
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// eslint-plugin-n8n-nodes-base takes every file for "Test.node.ts" when NODE_ENV is
// "test" (as under jest), which n8n's scan never sets; the scanner loads it lazily.
delete process.env.NODE_ENV;
const { analyzePackage, SOURCE_FILE_PATTERNS } = await import('@n8n/scan-community-package/scanner/scanner.mjs');

/** The scanner's globs for an unpacked tarball (scanner.mjs, analyzePackageByName). */
export const TARBALL_FILE_PATTERNS = ['**/*.js', 'package.json'];

/** Runs the scanner's lint legs on `dir`; returns the failures' texts, empty when it passes. */
export async function scannerLint(dir, { tarballOnly = false } = {}) {
	if (tarballOnly) return await lintLegs([['tarball', dir, TARBALL_FILE_PATTERNS]]);
	if (!existsSync(resolve(dir, 'dist'))) {
		return [`${dir} has no dist/: run npm run build first, the scanner lints the packed tarball too`];
	}
	const packed = mkdtempSync(join(tmpdir(), 'scanner-lint-tarball-'));
	try {
		const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', packed], {
			cwd: dir,
			encoding: 'utf8',
			stdio: ['ignore', 'pipe', 'ignore'],
		})
			.trim()
			.split('\n')
			.pop();
		execFileSync('tar', ['-xzf', join(packed, tarball), '-C', packed]);
		return await lintLegs([
			['source', dir, SOURCE_FILE_PATTERNS],
			['tarball', join(packed, 'package'), TARBALL_FILE_PATTERNS],
		]);
	} finally {
		rmSync(packed, { recursive: true, force: true });
	}
}

async function lintLegs(legs) {
	const failures = [];
	for (const [leg, cwd, patterns] of legs) {
		const result = await analyzePackage(cwd, patterns);
		if (!result.passed) failures.push(`${leg}: ${result.message}\n${result.details ?? ''}`);
	}
	return failures;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === resolve(new URL(import.meta.url).pathname);
if (isMain) {
	const args = process.argv.slice(2);
	const tarballOnly = args[0] === '--tarball';
	const dirs = (tarballOnly ? args.slice(1) : args).map((dir) => resolve(dir));
	let failed = false;
	for (const dir of dirs.length > 0 ? dirs : [resolve('.')]) {
		const failures = await scannerLint(dir, { tarballOnly });
		if (failures.length > 0) {
			process.stderr.write(`n8n's scanner lint fails on ${dir}:\n${failures.join('\n')}\n`);
			failed = true;
		} else {
			process.stdout.write(`n8n's scanner lint (@n8n/scan-community-package) passes on ${dir}\n`);
		}
	}
	if (failed) process.exit(1);
}
