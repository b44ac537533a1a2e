// package.json as a maintainer fills it in before publishing (README, Publishing), for the
// tests of scripts/publish.mjs and scripts/release.mjs; the repository is a test name.
export const testRepository = 'https://github.com/test-owner/test-repo';

export function withFilledInMetadata(pkg: Record<string, unknown>): Record<string, any> {
	return {
		...pkg,
		homepage: `${testRepository}#readme`,
		repository: { type: 'git', url: `git+${testRepository}.git` },
		bugs: { url: `${testRepository}/issues` },
		author: { name: 'Test Maintainer', email: 'maintainer@example.com' },
	};
}
