import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { testRepository, withFilledInMetadata } from './harness/filledInMetadata';

// scripts/publish.mjs, the script publish.yml runs, in dry runs (npm publish --dry-run,
// provenance off: it needs GitHub's OIDC token). The package as it is must be refused
// for its placeholders; copies with the placeholders filled in show what it publishes
// and what it refuses.
const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const placeholderBase = pkg.homepage.split('#')[0] as string;
const temporaryDirs: string[] = [];

afterAll(() => {
	for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true });
});

function filesUnder(dir: string): string[] {
	return readdirSync(dir, { recursive: true, withFileTypes: true })
		.filter((entry) => entry.isFile())
		.map((entry) => relative(root, join(entry.parentPath, entry.name)));
}

/** A copy of the built package with the metadata a maintainer would fill in. */
function filledInCopy(edit: (copy: string, manifest: Record<string, any>) => void = () => {}) {
	const copy = mkdtempSync(join(tmpdir(), 'publish-test-'));
	temporaryDirs.push(copy);
	for (const file of ['dist', 'README.md', 'LICENSE', '.npmrc']) cpSync(join(root, file), join(copy, file), { recursive: true });
	for (const file of filesUnder(join(root, 'dist'))) {
		const text = readFileSync(join(copy, file), 'utf8');
		if (text.includes(placeholderBase)) writeFileSync(join(copy, file), text.split(placeholderBase).join(testRepository));
	}
	const manifest = withFilledInMetadata(pkg);
	edit(copy, manifest);
	writeFileSync(join(copy, 'package.json'), JSON.stringify(manifest, null, 2));
	return copy;
}

function publishDryRun(cwd: string, args: string[], env: Record<string, string> = {}) {
	const { GITHUB_REPOSITORY, GITHUB_REF_NAME, ...rest } = process.env;
	void GITHUB_REPOSITORY;
	void GITHUB_REF_NAME;
	const result = spawnSync(process.execPath, [join(root, 'scripts', 'publish.mjs'), '--dry-run', ...args], {
		cwd,
		encoding: 'utf8',
		env: { ...rest, ...env },
	});
	return { status: result.status, out: `${result.stdout}\n${result.stderr}` };
}

describe('publishing (scripts/publish.mjs, as publish.yml runs it)', () => {
	it('publishes exactly dist/, README.md, LICENSE and package.json, in a dry run', () => {
		const { status, out } = publishDryRun(filledInCopy(), ['--tag', `v${pkg.version}`]);
		expect(status).toBe(0);

		const expected = [...filesUnder(join(root, 'dist')), 'LICENSE', 'README.md', 'package.json'].sort();
		const listed = out.match(/^ {2}\S+$/gm)!.map((line) => line.trim());
		expect(listed).toEqual(expected);
		const npmListed = [...out.matchAll(/^npm notice [\d.]+k?B (\S+)$/gm)].map((match) => match[1]).sort();
		expect(npmListed).toEqual(expected);
		expect(out).toContain(`npm notice total files: ${expected.length}`);
		expect(out).toContain('--dry-run --provenance=false --access public');
		expect(out).toMatch(/Publishing to https:\/\/registry\.npmjs\.org\/ with tag latest and public access \(dry-run\)/);
		expect(out).toContain(`+ n8n-nodes-omicall@${pkg.version}`);
	});

	it('refuses the package as it is, for every placeholder', () => {
		const { status, out } = publishDryRun(root, ['--tag', `v${pkg.version}`]);
		expect(status).toBe(1);
		expect(out).toContain('publish refused:');
		for (const field of ['homepage', 'repository.url', 'bugs.url', 'author.name', 'author.email']) {
			expect(out).toContain(`package.json ${field} is still the placeholder`);
		}
		expect(out).toMatch(/fill-in-before-publishing\.invalid\/n8n-nodes-omicall\/blob\/main\/docs\/omicall-api-credential\.md \(in dist\/credentials\/OmiCallApi\.credentials\.js, .*\) is still the placeholder/);
		expect(out).not.toContain('npm publish');
	});

	it('refuses a tag that is not the version, or no tag', () => {
		const copy = filledInCopy();
		const wrong = publishDryRun(copy, ['--tag', 'v9.9.9']);
		expect(wrong.status).toBe(1);
		expect(wrong.out).toContain(`the tag v9.9.9 is not v${pkg.version}, package.json's version`);
		expect(wrong.out).not.toContain('npm publish');

		const none = publishDryRun(copy, []);
		expect(none.status).toBe(1);
		expect(none.out).toContain('no tag: pass --tag vX.Y.Z');
		// Without --tag, the tag is GITHUB_REF_NAME, the one GitHub runs the workflow for.
		const fromEnvironment = publishDryRun(copy, [], { GITHUB_REF_NAME: 'v9.9.8' });
		expect(fromEnvironment.status).toBe(1);
		expect(fromEnvironment.out).toContain(`the tag v9.9.8 is not v${pkg.version}`);
	});

	it('refuses a tarball with a file outside dist/, or a dev-only file in dist/', () => {
		const extra = filledInCopy((copy, manifest) => {
			mkdirSync(join(copy, 'sandbox'));
			writeFileSync(join(copy, 'sandbox', 'cli.js'), '');
			manifest.files = ['dist', 'sandbox'];
		});
		const outside = publishDryRun(extra, ['--tag', `v${pkg.version}`]);
		expect(outside.status).toBe(1);
		expect(outside.out).toContain('the tarball holds files outside dist/, README.md, LICENSE and package.json: sandbox/cli.js');

		const devOnly = filledInCopy((copy) => {
			mkdirSync(join(copy, 'dist', 'test'));
			writeFileSync(join(copy, 'dist', 'test', 'fixture.js'), '');
		});
		const inDist = publishDryRun(devOnly, ['--tag', `v${pkg.version}`]);
		expect(inDist.status).toBe(1);
		expect(inDist.out).toContain('the tarball ships dev-only files: dist/test/fixture.js');
	});

	it('refuses to publish from a repository that package.json does not name', () => {
		const { status, out } = publishDryRun(filledInCopy(), ['--tag', `v${pkg.version}`], {
			GITHUB_REPOSITORY: 'someone-else/fork',
		});
		expect(status).toBe(1);
		expect(out).toContain('package.json names the repository test-owner/test-repo, but this workflow runs in someone-else/fork');
	});

	it("refuses a tarball that n8n's scanner lint fails (a console call in the built node)", () => {
		const copy = filledInCopy((dir) => appendFileSync(join(dir, 'dist', 'nodes', 'OmiAi', 'OmiAi.node.js'), '\nconsole.log("debug");\n'));
		const { status, out } = publishDryRun(copy, ['--tag', `v${pkg.version}`]);
		expect(status).toBe(1);
		expect(out).toContain("n8n's scanner lint of the tarball: tarball: ESLint violations found");
		expect(out).toMatch(/OmiAi\.node\.js\n\s+\d+:1\s+error\s+Unexpected console statement\s+no-console/);
		expect(out).not.toContain('npm publish');
	});
});
