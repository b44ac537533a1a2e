#!/usr/bin/env node
// npm run release -- <patch|minor|major|X.Y.Z>
//
// Makes a release commit and its tag, which .github/workflows/publish.yml publishes once
// pushed: sets the version in package.json and package-lock.json, moves CHANGELOG.md's
// "Unreleased" entries under "## [X.Y.Z] - <today, UTC>" (Keep a Changelog), commits
// both and tags vX.Y.Z. It pushes nothing. The version as it stands can be released
// once, when it has no tag yet (the first release: npm run release -- 0.1.0).
//
// It refuses a working tree with changes, an empty "Unreleased" section, a tag that
// exists, a version lower than the current one, and package.json metadata that
// publish.yml would refuse (placeholders), so that no tag is made that cannot publish.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { isLowerVersion, metadataProblems, repositoryWebUrl } from './package-metadata.mjs';

const CHANGELOG = 'CHANGELOG.md';
const UNRELEASED = /^## \[Unreleased\][^\n]*\n([\s\S]*?)(?=^## \[|^\[[^\]]+\]: |(?![\s\S]))/m;

const git = (...args) => execFileSync('git', args, { encoding: 'utf8' }).trim();

function nextVersion(current, wanted) {
	const [major, minor, patch] = current.split('.').map(Number);
	const bumped = {
		major: `${major + 1}.0.0`,
		minor: `${major}.${minor + 1}.0`,
		patch: `${major}.${minor}.${patch + 1}`,
	}[wanted];
	if (bumped) return bumped;
	if (!/^\d+\.\d+\.\d+$/.test(wanted ?? '')) {
		throw new Error('usage: npm run release -- <patch|minor|major|X.Y.Z>');
	}
	if (isLowerVersion(wanted, current)) throw new Error(`${wanted} is lower than the current version ${current}`);
	return wanted;
}

/** CHANGELOG.md with the Unreleased entries under `version`, and its compare links updated. */
function releaseChangelog(text, version, previousTag, web, date) {
	const match = UNRELEASED.exec(text);
	if (!match) throw new Error(`${CHANGELOG} has no "## [Unreleased]" section`);
	const entries = match[1].trim();
	if (entries === '') throw new Error(`${CHANGELOG} has nothing under "## [Unreleased]": write what this release changes`);
	let released = text.replace(UNRELEASED, `## [Unreleased]\n\n## [${version}] - ${date}\n\n${entries}\n\n`);
	released = released.replace(/^\[Unreleased\]: .*\n?/m, '').trimEnd();
	const links = [
		`[Unreleased]: ${web}/compare/v${version}...HEAD`,
		previousTag ? `[${version}]: ${web}/compare/${previousTag}...v${version}` : `[${version}]: ${web}/releases/tag/v${version}`,
	];
	const firstLink = released.search(/^\[[^\]]+\]: /m);
	return firstLink === -1
		? `${released}\n\n${links.join('\n')}\n`
		: `${released.slice(0, firstLink)}${links.join('\n')}\n${released.slice(firstLink)}\n`;
}

function release(wanted) {
	if (git('status', '--porcelain') !== '') throw new Error('the working tree has changes: commit or stash them first');
	const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
	const problems = metadataProblems(pkg);
	if (problems.length > 0) {
		throw new Error(`publish.yml would refuse this package:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
	}
	const version = nextVersion(pkg.version, wanted);
	const tag = `v${version}`;
	if (git('tag', '--list', tag) !== '') throw new Error(`the tag ${tag} exists already`);
	const previousTag = git('tag', '--list', 'v*.*.*', '--sort=-v:refname').split('\n')[0] || undefined;

	const changelog = releaseChangelog(
		readFileSync(CHANGELOG, 'utf8'),
		version,
		previousTag,
		repositoryWebUrl(pkg),
		new Date().toISOString().slice(0, 10),
	);
	execFileSync('npm', ['version', version, '--no-git-tag-version', '--allow-same-version', '--ignore-scripts'], {
		stdio: 'ignore',
	});
	writeFileSync(CHANGELOG, changelog);
	git('add', 'package.json', 'package-lock.json', CHANGELOG);
	git('commit', '--quiet', '-m', `Release ${version}`);
	git('tag', '--annotate', tag, '-m', `n8n-nodes-omicall ${version}`);
	return tag;
}

try {
	const tag = release(process.argv[2]);
	process.stdout.write(`Tagged ${tag}. Publish it: git push origin HEAD ${tag}\n`);
} catch (error) {
	process.stderr.write(`release refused: ${error.message}\n`);
	process.exitCode = 1;
}
