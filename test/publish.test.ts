import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { placeholderBase, testRepository, withFilledInMetadata } from './harness/filledInMetadata';

// scripts/publish.cjs, the script publish.yml runs. Its checks are called here in this
// process, on both packages; three runs of the script itself show the whole way, in dry
// runs (npm publish --dry-run, provenance off: it needs GitHub's OIDC token): the
// repository as it is is refused for its placeholders, a copy with them filled in
// publishes both packages, and n8n's scanner lint refuses a tarball it fails.
type Pkg = Record<string, any>;
type RepositoryPackage = { name: string; short: string; folder: string; dir: string; pkg: Pkg };
/* eslint-disable @typescript-eslint/no-require-imports */
const { metadataProblems, repositoryPackages } = require('../scripts/packages.cjs') as {
	metadataProblems: (pkg: Pkg, options?: { actionsRepository?: string; folder?: string }) => string[];
	repositoryPackages: (root: string) => RepositoryPackage[];
};
const { packagesToPublish, parseArgs, shippedUrlProblems, tarballProblems } = require('../scripts/publish.cjs') as {
	packagesToPublish: (
		packages: RepositoryPackage[],
		args: { dryRun: boolean; tag?: string; names: string[] },
	) => { packages?: RepositoryPackage[]; problem?: string };
	parseArgs: (argv: string[], env?: Record<string, string>) => { dryRun: boolean; tag?: string; names: string[] };
	shippedUrlProblems: (pkg: Pkg, dir: string, paths: string[]) => string[];
	tarballProblems: (pkg: Pkg, paths: string[]) => string[];
};
/* eslint-enable @typescript-eslint/no-require-imports */

const root = join(__dirname, '..');
const packages = repositoryPackages(root);
const [omicall, alovoice] = packages;
const temporaryDirs: string[] = [];

afterAll(() => {
	for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

/** The files under `dir`, relative to `from`. */
function filesUnder(dir: string, from: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(from, join(entry.parentPath, entry.name)));
}

/** What the package in `dir` ships: its built files, README.md, LICENSE and package.json. */
const shippedFiles = (dir: string) => [...filesUnder(join(dir, 'dist'), dir), 'LICENSE', 'README.md', 'package.json'].sort();

/** A copy of the built repository (both packages) with the metadata a maintainer would fill in. */
function filledInCopy(edit: (copy: string) => void = () => {}) {
	const copy = mkdtempSync(join(tmpdir(), 'publish-test-'));
	temporaryDirs.push(copy);
	cpSync(join(root, '.npmrc'), join(copy, '.npmrc'));
	for (const { folder, dir, pkg } of packages) {
		const target = join(copy, folder);
		for (const file of ['dist', 'README.md', 'LICENSE']) cpSync(join(dir, file), join(target, file), { recursive: true });
		for (const file of filesUnder(join(target, 'dist'), target)) {
			const text = readFileSync(join(target, file), 'utf8');
			if (text.includes(placeholderBase)) writeFileSync(join(target, file), text.split(placeholderBase).join(testRepository));
		}
		writeFileSync(join(target, 'package.json'), JSON.stringify(withFilledInMetadata(pkg, folder), null, 2));
	}
	edit(copy);
	return copy;
}

/** scripts/publish.cjs in `cwd`, outside GitHub Actions unless `env` says otherwise. */
function publishScript(cwd: string, args: string[], env: Record<string, string> = {}) {
	const { GITHUB_REPOSITORY, GITHUB_REF_NAME, ...rest } = process.env;
	void GITHUB_REPOSITORY;
	void GITHUB_REF_NAME;
	const result = spawnSync(process.execPath, [join(root, 'scripts', 'publish.cjs'), ...args], {
		cwd,
		encoding: 'utf8',
		env: { ...rest, ...env },
	});
	return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const placeholderFields = ['homepage', 'repository.url', 'bugs.url', 'author.name', 'author.email'];

describe('which package a tag publishes', () => {
	const publishing = (argv: string[], env: Record<string, string> = {}) => packagesToPublish(packages, parseArgs(argv, env));
	const folders = (argv: string[]) => publishing(argv).packages?.map((p) => p.folder);

	it('the two packages of the repository: n8n-nodes-omicall at the root, n8n-nodes-alovoice in its folder', () => {
		expect(packages.map(({ name, short, folder }) => ({ name, short, folder }))).toEqual([
			{ name: 'n8n-nodes-omicall', short: 'omicall', folder: '.' },
			{ name: 'n8n-nodes-alovoice', short: 'alovoice', folder: 'packages/n8n-nodes-alovoice' },
		]);
	});

	it('publishes the package a tag <package name>@<version> names, at its version', () => {
		for (const { name, folder, pkg } of packages) {
			expect(folders(['--tag', `${name}@${pkg.version}`])).toEqual([folder]);
		}
		// Without --tag, the tag is GITHUB_REF_NAME, the one GitHub runs the workflow for.
		expect(publishing([], { GITHUB_REF_NAME: `n8n-nodes-alovoice@${alovoice.pkg.version}` }).packages).toEqual([alovoice]);
	});

	it('refuses a tag of no package, of another version, of the old form vX.Y.Z, or no tag', () => {
		expect(publishing(['--tag', 'n8n-nodes-alovoice@9.9.9']).problem).toBe(
			`the tag n8n-nodes-alovoice@9.9.9 is not n8n-nodes-alovoice@${alovoice.pkg.version}, the version in packages/n8n-nodes-alovoice/package.json: tag releases with npm run release`,
		);
		expect(publishing([], { GITHUB_REF_NAME: 'n8n-nodes-omicall@9.9.8' }).problem).toMatch(
			/^the tag n8n-nodes-omicall@9\.9\.8 is not n8n-nodes-omicall@\S+, the version in package\.json/,
		);
		expect(publishing(['--tag', 'n8n-nodes-other@1.0.0']).problem).toBe(
			'the tag n8n-nodes-other@1.0.0 names n8n-nodes-other, which is no package of this repository (n8n-nodes-omicall, n8n-nodes-alovoice)',
		);
		for (const tag of [`v${omicall.pkg.version}`, 'n8n-nodes-omicall@latest', '@1.0.0']) {
			expect(publishing(['--tag', tag]).problem).toContain(`the tag ${tag} is not <package>@X.Y.Z`);
		}
		expect(publishing([]).problem).toMatch(/^no tag: pass --tag <package>@X\.Y\.Z/);
	});

	it('checks the packages named in a dry run, or all of them, at their versions', () => {
		expect(folders(['--dry-run'])).toEqual(['.', 'packages/n8n-nodes-alovoice']);
		// A dry run in GitHub Actions on a branch does not take the branch for a tag.
		expect(publishing(['--dry-run'], { GITHUB_REF_NAME: 'main' }).packages).toHaveLength(2);
		expect(folders(['--dry-run', 'alovoice'])).toEqual(['packages/n8n-nodes-alovoice']);
		expect(folders(['--dry-run', 'n8n-nodes-omicall'])).toEqual(['.']);
		expect(folders(['--dry-run', '--tag', `n8n-nodes-alovoice@${alovoice.pkg.version}`])).toEqual(['packages/n8n-nodes-alovoice']);
		expect(publishing(['--dry-run', 'alovoice', 'other']).problem).toBe('other: no package of this repository; name <omicall|alovoice>');
		expect(() => parseArgs(['alovoice'])).toThrow('packages are named only in a dry run; a publish takes its package from the tag');
		expect(() => parseArgs(['--tagg', 'x'])).toThrow('unknown argument --tagg');
	});
});

describe.each(packages)("the publish checks of $name's package.json and tarball", ({ folder, dir, pkg }) => {
	const filledIn = withFilledInMetadata(pkg, folder);
	const shipped = shippedFiles(dir);

	it('refuses the package.json as it is, for every placeholder, and passes it filled in', () => {
		const problems = metadataProblems(pkg, { folder });
		expect(problems.map((problem) => problem.split(' is still the placeholder')[0])).toEqual(
			placeholderFields.map((field) => `package.json ${field}`),
		);
		expect(metadataProblems(filledIn, { folder, actionsRepository: 'test-owner/test-repo' })).toEqual([]);
	});

	it('refuses to publish from a repository that package.json does not name', () => {
		expect(metadataProblems(filledIn, { folder, actionsRepository: 'someone-else/fork' })).toEqual([
			'package.json names the repository test-owner/test-repo, but this workflow runs in someone-else/fork: npm refuses provenance that names another repository',
		]);
	});

	it("refuses a repository.directory that is not the package's folder", () => {
		const elsewhere = { ...filledIn, repository: { ...filledIn.repository, directory: 'packages/elsewhere' } };
		expect(metadataProblems(elsewhere, { folder })).toEqual([
			folder === '.'
				? 'package.json repository.directory is "packages/elsewhere", but the package is the repository\'s root'
				: `package.json repository.directory is "packages/elsewhere": it must be "${folder}", the package's folder in the repository`,
		]);
	});

	it('passes its tarball of dist/, README.md, LICENSE and package.json; refuses a file outside dist/, a dev-only file and a missing node', () => {
		expect(tarballProblems(pkg, shipped)).toEqual([]);
		expect(tarballProblems(pkg, [...shipped, 'sandbox/cli.js'])).toEqual([
			'the tarball holds files outside dist/, README.md, LICENSE and package.json: sandbox/cli.js',
		]);
		expect(tarballProblems(pkg, [...shipped, 'dist/test/fixture.js'])).toEqual(['the tarball ships dev-only files: dist/test/fixture.js']);
		const [node] = pkg.n8n.nodes;
		expect(tarballProblems(pkg, shipped.filter((path) => path !== node))).toEqual([`the tarball misses ${node} (did npm run build run?)`]);
	});

	it('refuses documentation links in dist/ to the placeholder, or to another GitHub repository', () => {
		const placeholders = shippedUrlProblems(pkg, dir, shipped);
		expect(placeholders.length).toBeGreaterThan(0);
		for (const problem of placeholders) expect(problem).toMatch(/^https:\/\/fill-in-before-publishing\.invalid\/\S+ \(in dist\/\S+.*\) is still the placeholder/);
		const [credential] = pkg.n8n.credentials;
		expect(placeholders.some((problem) => problem.includes(credential))).toBe(true);

		const copy = mkdtempSync(join(tmpdir(), 'publish-links-'));
		temporaryDirs.push(copy);
		mkdirSync(join(copy, 'dist'));
		const home = filledIn.homepage.split('#')[0];
		writeFileSync(join(copy, 'dist', 'node.json'), JSON.stringify({ ours: `${home}#usage`, theirs: 'https://github.com/other/repo#usage' }));
		expect(shippedUrlProblems(filledIn, copy, ['dist/node.json'])).toEqual([
			`https://github.com/other/repo#usage (in dist/node.json) is outside the repository: documentation links (nodes/*/*.node.json, credentials/*.ts) must be under ${testRepository}`,
		]);
	});
});

describe('scripts/publish.cjs, as publish.yml runs it (dry runs)', () => {
	it('refuses both packages as they are, for their placeholders, and publishes nothing', () => {
		const { status, stdout, stderr } = publishScript(root, ['--dry-run']);
		expect(status).toBe(1);
		expect(stdout).toBe('');
		for (const { name, pkg } of packages) {
			const section = stderr.split(`publish of ${name}@${pkg.version} refused:\n`)[1]?.split(/^publish of /m)[0] ?? '';
			for (const field of placeholderFields) expect(section).toContain(`  - package.json ${field} is still the placeholder`);
			// The credential's documentation link in the built file.
			const [credential] = pkg.n8n.credentials as string[];
			expect(section).toMatch(new RegExp(`  - https://fill-in-before-publishing\\.invalid/\\S+ \\(in [^)]*${credential.replace(/\./g, '\\.')}[^)]*\\) is still the placeholder`));
		}
	});

	it("publishes each package's dist/, README.md, LICENSE and package.json from its own folder, in a dry run of both", () => {
		const copy = filledInCopy();
		const { status, stdout, stderr } = publishScript(copy, ['--dry-run']);
		expect(stderr).not.toContain('refused');
		expect(status).toBe(0);

		for (const { name, folder, pkg } of packages) {
			const expected = shippedFiles(join(copy, folder));
			const listing = stdout.split(`${name}-${pkg.version}.tgz: ${expected.length} files\n`)[1];
			expect(listing).toBeDefined();
			const listed = listing.match(/^( {2}\S+\n)+/)![0].trim().split(/\s+/);
			expect(listed).toEqual(expected);
			expect(listing).toMatch(new RegExp(`^npm publish \\S+${name}-${pkg.version}\\.tgz --dry-run --provenance=false --access public \\(in ${folder}\\)$`, 'm'));
			expect(stdout).toContain(`+ ${name}@${pkg.version}\n`);

			const notices = stderr.split(`npm notice 📦  ${name}@${pkg.version}\n`)[1].split('npm notice Publishing to')[0];
			const npmListed = [...notices.matchAll(/^npm notice [\d.]+k?B (\S+)$/gm)].map((match) => match[1]).sort();
			expect(npmListed).toEqual(expected);
			expect(notices).toContain(`npm notice total files: ${expected.length}`);
		}
		expect(stderr.match(/Publishing to https:\/\/registry\.npmjs\.org\/ with tag latest and public access \(dry-run\)/g)).toHaveLength(2);
	});

	it("refuses the tarball of the package the tag names when n8n's scanner lint fails on it (a console call in the built node)", () => {
		const [node] = alovoice.pkg.n8n.nodes as string[];
		const copy = filledInCopy((dir) => appendFileSync(join(dir, alovoice.folder, node), '\nconsole.log("debug");\n'));
		const { status, stdout, stderr } = publishScript(copy, ['--dry-run', '--tag', `${alovoice.name}@${alovoice.pkg.version}`]);
		expect(status).toBe(1);
		expect(stderr).toContain(`publish of ${alovoice.name}@${alovoice.pkg.version} refused:\n  - n8n's scanner lint of the tarball: tarball: ESLint violations found`);
		expect(stderr).toMatch(/Alovoice\.node\.js\n\s+\d+:1\s+error\s+Unexpected console statement\s+no-console/);
		expect(stdout).not.toContain('npm publish');
		expect(stdout).not.toContain(omicall.name);
	});
});
