// What package.json must say before a release: n8n's scanner compares homepage,
// repository, bugs and author with the npm metadata and fetches the source from the
// GitHub repository that the provenance names, and npm refuses provenance whose
// repository differs from package.json's. None of that is known in this repository,
// so package.json holds placeholders under PLACEHOLDER_HOST that this refuses.
// Used by scripts/publish.mjs and scripts/release.mjs, with the version order both need.

export const PLACEHOLDER_HOST = 'fill-in-before-publishing.invalid';

const GITHUB_REPO = /^(?:git\+)?https:\/\/github\.com\/([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+?)(?:\.git)?\/?$/;

/** `owner/repo` of package.json's repository, or undefined when it is not a GitHub https URL. */
export function githubRepository(pkg) {
	const url = typeof pkg.repository === 'string' ? pkg.repository : pkg.repository?.url;
	const match = GITHUB_REPO.exec(url ?? '');
	return match ? `${match[1]}/${match[2]}` : undefined;
}

/** Whether the version X.Y.Z `version` comes before `than`. */
export function isLowerVersion(version, than) {
	const [a, b] = [version, than].map((v) => v.split(/[.-]/, 3).map(Number));
	const differs = a.findIndex((part, i) => part !== b[i]);
	return differs !== -1 && a[differs] < b[differs];
}

/** https://github.com/OWNER/REPO of package.json's repository, or undefined. */
export function repositoryWebUrl(pkg) {
	const repository = githubRepository(pkg);
	return repository && `https://github.com/${repository}`;
}

/** Whether `url` is `base` itself or a page or anchor under it (case-insensitive, as GitHub is). */
export function isUnder(url, base) {
	const [value, prefix] = [url.toLowerCase(), base.toLowerCase()];
	return value === prefix || value.startsWith(`${prefix}/`) || value.startsWith(`${prefix}#`);
}

/**
 * The reasons package.json cannot be published as it is; empty when it can.
 * `actionsRepository` is GITHUB_REPOSITORY when run in GitHub Actions.
 */
export function metadataProblems(pkg, actionsRepository) {
	const problems = [];
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
