#!/usr/bin/env node
// npm run release -- <omicall|alovoice> <patch|minor|major|X.Y.Z>
//
// Makes the release commit and tag of one package of the repository, which
// .github/workflows/publish.yml publishes once pushed (see RELEASING.md): sets the version
// in the package's package.json and in package-lock.json, moves the "Unreleased" entries
// of the package's CHANGELOG.md under "## [X.Y.Z] - <today, UTC>" (Keep a Changelog),
// commits these files and tags `<package name>@X.Y.Z`. It pushes nothing. The version as
// it stands can be released once, when it has no tag yet (the first release:
// npm run release -- alovoice 0.1.0).
//
// It refuses a working tree with changes, an empty "Unreleased" section, a tag that
// exists, a version lower than the current one, and package.json metadata that
// publish.yml would refuse (placeholders), so that no tag is made that cannot publish.
//
// CommonJS, so that test/release.test.ts calls release() in its own process.
const { execFileSync } = require('node:child_process');
const { readFileSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const {
	findPackage,
	isLowerVersion,
	metadataProblems,
	packageChoice,
	repositoryPackages,
	repositoryWebUrl,
	tagOf,
} = require('./packages.cjs');

const UNRELEASED = /^## \[Unreleased\][^\n]*\n([\s\S]*?)(?=^## \[|^\[[^\]]+\]: |(?![\s\S]))/m;

/** The usage line, with the packages of the repository to choose from. */
const usage = (packages) => `usage: npm run release -- ${packageChoice(packages)} <patch|minor|major|X.Y.Z>`;

function nextVersion(current, wanted, packages) {
	const [major, minor, patch] = current.split('.').map(Number);
	const bumped = {
		major: `${major + 1}.0.0`,
		minor: `${major}.${minor + 1}.0`,
		patch: `${major}.${minor}.${patch + 1}`,
	}[wanted];
	if (bumped) return bumped;
	if (!/^\d+\.\d+\.\d+$/.test(wanted ?? '')) throw new Error(usage(packages));
	if (isLowerVersion(wanted, current)) throw new Error(`${wanted} is lower than the current version ${current}`);
	return wanted;
}

/**
 * The CHANGELOG.md text `text` with its Unreleased entries under `version`, and its
 * compare links between the tags `previousTag` (undefined for the first release) and `tag`.
 */
function releaseChangelog(text, { version, tag, previousTag, web, date, file }) {
	const match = UNRELEASED.exec(text);
	if (!match) throw new Error(`${file} has no "## [Unreleased]" section`);
	const entries = match[1].trim();
	if (entries === '') throw new Error(`${file} has nothing under "## [Unreleased]": write what this release changes`);
	let released = text.replace(UNRELEASED, `## [Unreleased]\n\n## [${version}] - ${date}\n\n${entries}\n\n`);
	released = released.replace(/^\[Unreleased\]: .*\n?/m, '').trimEnd();
	const links = [
		`[Unreleased]: ${web}/compare/${tag}...HEAD`,
		previousTag ? `[${version}]: ${web}/compare/${previousTag}...${tag}` : `[${version}]: ${web}/releases/tag/${tag}`,
	];
	const firstLink = released.search(/^\[[^\]]+\]: /m);
	return firstLink === -1
		? `${released}\n\n${links.join('\n')}\n`
		: `${released.slice(0, firstLink)}${links.join('\n')}\n${released.slice(firstLink)}\n`;
}

/** package-lock.json's text with the version of the workspace package in `folder` set to `version`. */
function lockWithVersion(text, folder, version) {
	const lock = JSON.parse(text);
	const key = folder === '.' ? '' : folder;
	if (!lock.packages?.[key]) throw new Error(`package-lock.json has no entry "${key}" for the package: run npm install`);
	lock.packages[key].version = version;
	if (key === '') lock.version = version;
	return `${JSON.stringify(lock, null, 2)}\n`;
}

/**
 * Releases the package `name` (its name or short name) at `wanted` in the git repository
 * in `root`: commit and tag, as described at the top. Returns the tag.
 */
function release(root, [name, wanted] = [], date = new Date().toISOString().slice(0, 10)) {
	const git = (...args) => execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
	const packages = repositoryPackages(root);
	const target = findPackage(packages, name);
	if (!target) {
		const named = name ? `${name} is no package of this repository; name` : 'name';
		throw new Error(`${named} the package to release first: ${usage(packages)}`);
	}
	if (git('status', '--porcelain') !== '') throw new Error('the working tree has changes: commit or stash them first');
	const { pkg, folder } = target;
	const problems = metadataProblems(pkg, { folder });
	if (problems.length > 0) {
		throw new Error(`publish.yml would refuse ${pkg.name}:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
	}
	const version = nextVersion(pkg.version, wanted, packages);
	const tag = tagOf(pkg.name, version);
	if (git('tag', '--list', tag) !== '') throw new Error(`the tag ${tag} exists already`);
	const previousTag = git('tag', '--list', tagOf(pkg.name, '*'), '--sort=-v:refname').split('\n')[0] || undefined;

	const files = { manifest: join(folder, 'package.json'), lock: 'package-lock.json', changelog: join(folder, 'CHANGELOG.md') };
	const read = (file) => readFileSync(join(root, file), 'utf8');
	const changelog = releaseChangelog(read(files.changelog), {
		version,
		tag,
		previousTag,
		web: repositoryWebUrl(pkg),
		date,
		file: files.changelog,
	});
	const lock = lockWithVersion(read(files.lock), folder, version);
	writeFileSync(join(root, files.manifest), `${JSON.stringify({ ...pkg, version }, null, 2)}\n`);
	writeFileSync(join(root, files.lock), lock);
	writeFileSync(join(root, files.changelog), changelog);
	git('add', files.manifest, files.lock, files.changelog);
	git('commit', '--quiet', '-m', `Release ${tag}`);
	git('tag', '--annotate', tag, '-m', `${pkg.name} ${version}`);
	return tag;
}

module.exports = { release };

if (require.main === module) {
	try {
		const tag = release(process.cwd(), process.argv.slice(2));
		process.stdout.write(`Tagged ${tag}. Publish it: git push origin HEAD ${tag}\n`);
	} catch (error) {
		process.stderr.write(`release refused: ${error.message}\n`);
		process.exitCode = 1;
	}
}
