// The repository's packages, their release tags, and what each package.json must say
// before a release. Used by scripts/publish.cjs and scripts/release.cjs.
//
// The packages are the root package and the npm workspaces it lists (packages/*): today
// n8n-nodes-omicall (the root) and n8n-nodes-alovoice (packages/n8n-nodes-alovoice).
// A release of one is the git tag `<package name>@<version>`, e.g. n8n-nodes-alovoice@1.2.3.
//
// Metadata: n8n's scanner compares homepage, repository, bugs and author with the npm
// metadata and fetches the source from the GitHub repository that the provenance names,
// and npm refuses provenance whose repository differs from package.json's. None of that
// is known in this repository, so each package.json holds placeholders under
// PLACEHOLDER_HOST that this refuses. A package in a subfolder also names that folder
// in repository.directory, so that npm and n8n link to its source, not the root's.
//
// CommonJS, so that the fast jest suite calls these functions in its own process
// (jest loads ES modules only under --experimental-vm-modules).
const { existsSync, readdirSync, readFileSync } = require('node:fs');
const { join } = require('node:path');

const PLACEHOLDER_HOST = 'fill-in-before-publishing.invalid';
const NAME_PREFIX = 'n8n-nodes-';

const GITHUB_REPO = /^(?:git\+)?https:\/\/github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/;
const VERSION = /^\d+\.\d+\.\d+$/;

const readJson = (file) => JSON.parse(readFileSync(file, 'utf8'));

/**
 * The packages of the repository in `root`: the root package, then its workspaces.
 * Each is { name, short, folder (relative to root, '.' for the root), dir (absolute), pkg }.
 */
function repositoryPackages(root) {
	const rootPkg = readJson(join(root, 'package.json'));
	const folders = ['.'];
	for (const pattern of rootPkg.workspaces ?? []) {
		if (!pattern.endsWith('/*')) {
			folders.push(pattern);
			continue;
		}
		const parent = pattern.slice(0, -2);
		if (!existsSync(join(root, parent))) continue;
		for (const entry of readdirSync(join(root, parent), { withFileTypes: true })) {
			if (entry.isDirectory() && existsSync(join(root, parent, entry.name, 'package.json'))) {
				folders.push(`${parent}/${entry.name}`);
			}
		}
	}
	return folders.map((folder) => {
		const pkg = folder === '.' ? rootPkg : readJson(join(root, folder, 'package.json'));
		const short = pkg.name.startsWith(NAME_PREFIX) ? pkg.name.slice(NAME_PREFIX.length) : pkg.name;
		return { name: pkg.name, short, folder, dir: join(root, folder), pkg };
	});
}

/** `<omicall|alovoice>`: the short names a maintainer types. */
function packageChoice(packages) {
	return `<${packages.map((p) => p.short).join('|')}>`;
}

/** The package that `wanted` names (its name or short name), or undefined. */
function findPackage(packages, wanted) {
	return packages.find((p) => p.name === wanted || p.short === wanted);
}

/** The release tag of `name` at `version`. */
function tagOf(name, version) {
	return `${name}@${version}`;
}

/**
 * The package a release tag names: { package } when the tag is `<name>@<version>` of a
 * package of the repository at its package.json's version, { problem } otherwise.
 */
function packageOfTag(packages, tag) {
	const example = tagOf(packages[0].name, packages[0].pkg.version);
	if (!tag) return { problem: `no tag: pass --tag <package>@X.Y.Z, e.g. ${example} (publish.yml passes the tag it runs for)` };
	const at = tag.lastIndexOf('@');
	const [name, version] = at > 0 ? [tag.slice(0, at), tag.slice(at + 1)] : [undefined, undefined];
	if (!name || !VERSION.test(version)) {
		return {
			problem: `the tag ${tag} is not <package>@X.Y.Z: releases are tagged with the package's name, e.g. ${example} (npm run release makes them)`,
		};
	}
	const found = packages.find((p) => p.name === name);
	if (!found) {
		return {
			problem: `the tag ${tag} names ${name}, which is no package of this repository (${packages.map((p) => p.name).join(', ')})`,
		};
	}
	if (version !== found.pkg.version) {
		return {
			problem: `the tag ${tag} is not ${tagOf(found.name, found.pkg.version)}, the version in ${join(found.folder, 'package.json')}: tag releases with npm run release`,
		};
	}
	return { package: found };
}

/** `owner/repo` of package.json's repository, or undefined when it is not a GitHub https URL. */
function githubRepository(pkg) {
	const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
	const match = GITHUB_REPO.exec(url ?? '');
	return match ? `${match[1]}/${match[2]}` : undefined;
}

/** Whether the version X.Y.Z `version` comes before `than`. */
function isLowerVersion(version, than) {
	const [a, b] = [version, than].map((v) => v.split(/[.-]/, 3).map(Number));
	const differs = a.findIndex((part, i) => part !== b[i]);
	return differs !== -1 && a[differs] < b[differs];
}

/** https://github.com/OWNER/REPO of package.json's repository, or undefined. */
function repositoryWebUrl(pkg) {
	const repository = githubRepository(pkg);
	return repository && `https://github.com/${repository}`;
}

/** Whether `url` is `base` itself or a page or anchor under it (case-insensitive, as GitHub is). */
function isUnder(url, base) {
	const [value, prefix] = [url.toLowerCase(), base.toLowerCase()];
	return value === prefix || value.startsWith(`${prefix}/`) || value.startsWith(`${prefix}#`);
}

/** What is wrong with repository.directory for a package in `folder` ('.' is the root). */
function directoryProblems(pkg, folder) {
	const directory = typeof pkg.repository === 'object' ? pkg.repository?.directory : undefined;
	if (folder === '.') {
		return directory ? [`package.json repository.directory is "${directory}", but the package is the repository's root`] : [];
	}
	if (directory === folder) return [];
	return [
		`package.json repository.directory is ${directory === undefined ? 'missing' : `"${directory}"`}: it must be "${folder}", the package's folder in the repository`,
	];
}

/**
 * The reasons package.json cannot be published as it is; empty when it can.
 * `actionsRepository` is GITHUB_REPOSITORY when run in GitHub Actions; `folder` is the
 * package's folder in the repository ('.' for the root).
 */
function metadataProblems(pkg, { actionsRepository, folder = '.' } = {}) {
	const problems = directoryProblems(pkg, folder);
	const fields = {
		homepage: pkg.homepage,
		'repository.url': typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url,
		'bugs.url': typeof pkg.bugs === 'string' ? pkg.bugs : pkg.bugs?.url,
		'author.name': typeof pkg.author === 'string' ? pkg.author : pkg.author?.name,
		'author.email': typeof pkg.author === 'string' ? undefined : pkg.author?.email,
	};
	for (const [field, value] of Object.entries(fields)) {
		if (typeof value !== 'string' || value.trim() === '') {
			problems.push(`package.json ${field} is missing`);
		} else if (value.includes(PLACEHOLDER_HOST) || /fill in before publishing/i.test(value)) {
			problems.push(`package.json ${field} is still the placeholder "${value}": fill in the real value`);
		}
	}
	if (problems.length > 0) return problems;

	const repository = githubRepository(pkg);
	if (!repository) {
		problems.push(
			`package.json repository.url "${fields['repository.url']}" is not https://github.com/OWNER/REPO: n8n's scanner fetches the source from GitHub`,
		);
		return problems;
	}
	const web = repositoryWebUrl(pkg);
	for (const field of ['homepage', 'bugs.url']) {
		if (!isUnder(fields[field], web)) {
			problems.push(`package.json ${field} "${fields[field]}" is not an address of the repository ${web}`);
		}
	}
	if (actionsRepository && actionsRepository.toLowerCase() !== repository.toLowerCase()) {
		problems.push(
			`package.json names the repository ${repository}, but this workflow runs in ${actionsRepository}: npm refuses provenance that names another repository`,
		);
	}
	return problems;
}

module.exports = {
	PLACEHOLDER_HOST,
	findPackage,
	githubRepository,
	isLowerVersion,
	isUnder,
	metadataProblems,
	packageChoice,
	packageOfTag,
	repositoryPackages,
	repositoryWebUrl,
	tagOf,
};
