// package.json as a maintainer fills it in before publishing (RELEASING.md, What must be
// filled in first), for the tests of scripts/publish.cjs and scripts/release.cjs; the
// repository is a test name. `folder` is the package's folder in the repository.
export const testRepository = 'https://github.com/test-owner/test-repo';

/** The address every placeholder link starts with, in package.json and in the built files. */
export const placeholderBase = 'https://fill-in-before-publishing.invalid/n8n-nodes-omicall';

export function withFilledInMetadata(pkg: Record<string, any>, folder = '.'): Record<string, any> {
	const home = folder === '.' ? testRepository : `${testRepository}/tree/main/${folder}`;
	return {
		...pkg,
		homepage: `${home}#readme`,
		repository: { type: 'git', url: `git+${testRepository}.git`, ...(folder === '.' ? {} : { directory: folder }) },
		bugs: { url: `${testRepository}/issues` },
		author: { name: 'Test Maintainer', email: 'maintainer@example.com' },
	};
}
