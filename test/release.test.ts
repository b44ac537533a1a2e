import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testRepository, withFilledInMetadata } from './harness/filledInMetadata';

// npm run release (scripts/release.mjs) in a throwaway repository in a temporary folder,
// made of this package's CHANGELOG.md and package.json with the metadata filled in, so
// that no tag of this repository is touched.
const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const web = testRepository;
const gitIdentity = {
	GIT_AUTHOR_NAME: 'Release Test',
	GIT_AUTHOR_EMAIL: 'release-test@example.com',
	GIT_COMMITTER_NAME: 'Release Test',
	GIT_COMMITTER_EMAIL: 'release-test@example.com',
};
let repo: string;

const git = (...args: string[]) =>
	execFileSync('git', args, { cwd: repo, encoding: 'utf8', env: { ...process.env, ...gitIdentity } }).trim();
const read = (file: string) => readFileSync(join(repo, file), 'utf8');
const json = (file: string) => JSON.parse(read(file));
const today = () => new Date().toISOString().slice(0, 10);

function release(...args: string[]) {
	const result = spawnSync(process.execPath, [join(root, 'scripts', 'release.mjs'), ...args], {
		cwd: repo,
		encoding: 'utf8',
		env: { ...process.env, ...gitIdentity },
	});
	return { status: result.status, out: `${result.stdout}${result.stderr}` };
}

function commitAll(message: string) {
	git('add', '-A');
	git('commit', '--quiet', '-m', message);
}

beforeAll(() => {
	repo = mkdtempSync(join(tmpdir(), 'release-test-'));
	git('init', '--quiet');
	writeFileSync(join(repo, 'package.json'), `${JSON.stringify(withFilledInMetadata(pkg), null, 2)}\n`);
	const lock = { name: pkg.name, version: pkg.version, lockfileVersion: 3, requires: true, packages: { '': { name: pkg.name, version: pkg.version } } };
	writeFileSync(join(repo, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
	writeFileSync(join(repo, 'CHANGELOG.md'), readFileSync(join(root, 'CHANGELOG.md'), 'utf8'));
	commitAll('Start');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('npm run release', () => {
	it('releases the current version once, as the first release: changelog dated, commit, tag', () => {
		const unreleased = read('CHANGELOG.md').split('## [Unreleased]\n')[1].trim();
		expect(unreleased).toMatch(/^The first release, 0\.1\.0\./);

		const { status, out } = release(pkg.version);
		expect(out).toBe(`Tagged v${pkg.version}. Publish it: git push origin HEAD v${pkg.version}\n`);
		expect(status).toBe(0);

		const changelog = read('CHANGELOG.md');
		expect(changelog).toContain(`## [Unreleased]\n\n## [${pkg.version}] - ${today()}\n\n${unreleased}\n`);
		expect(changelog.endsWith(`\n\n[Unreleased]: ${web}/compare/v${pkg.version}...HEAD\n[${pkg.version}]: ${web}/releases/tag/v${pkg.version}\n`)).toBe(true);
		expect(json('package.json').version).toBe(pkg.version);
		expect(git('log', '-1', '--format=%s')).toBe(`Release ${pkg.version}`);
		expect(git('tag', '--points-at', 'HEAD')).toBe(`v${pkg.version}`);
		expect(git('cat-file', '-t', `v${pkg.version}`)).toBe('tag');
		expect(git('status', '--porcelain')).toBe('');
	});

	it('refuses an empty Unreleased section, changes in the working tree, a lower version and an existing tag', () => {
		const head = git('rev-parse', 'HEAD');
		const empty = release('patch');
		expect(empty.status).toBe(1);
		expect(empty.out).toContain('has nothing under "## [Unreleased]"');

		writeFileSync(join(repo, 'notes.txt'), 'draft');
		const dirty = release('patch');
		expect(dirty.status).toBe(1);
		expect(dirty.out).toContain('the working tree has changes');
		rmSync(join(repo, 'notes.txt'));

		expect(release('0.0.9').out).toContain(`0.0.9 is lower than the current version ${pkg.version}`);
		expect(release(pkg.version).out).toContain(`the tag v${pkg.version} exists already`);
		expect(release('sideways').out).toContain('usage: npm run release -- <patch|minor|major|X.Y.Z>');

		expect(git('rev-parse', 'HEAD')).toBe(head);
		expect(git('tag', '--list')).toBe(`v${pkg.version}`);
		expect(git('status', '--porcelain')).toBe('');
	});

	it('bumps the version in package.json and package-lock.json, and links the release to the one before', () => {
		writeFileSync(
			join(repo, 'CHANGELOG.md'),
			read('CHANGELOG.md').replace('## [Unreleased]\n', '## [Unreleased]\n\n### Fixed\n\n- A fix users notice.\n'),
		);
		commitAll('Fix');

		const { status } = release('patch');
		expect(status).toBe(0);
		const next = pkg.version.replace(/\d+$/, (patch: string) => String(Number(patch) + 1));
		expect(json('package.json').version).toBe(next);
		expect(json('package-lock.json').version).toBe(next);
		expect(json('package-lock.json').packages[''].version).toBe(next);
		expect(git('tag', '--points-at', 'HEAD')).toBe(`v${next}`);

		const changelog = read('CHANGELOG.md');
		expect(changelog).toContain(`## [Unreleased]\n\n## [${next}] - ${today()}\n\n### Fixed\n\n- A fix users notice.\n\n## [${pkg.version}] - ${today()}\n`);
		expect(changelog.endsWith(
			`\n\n[Unreleased]: ${web}/compare/v${next}...HEAD\n[${next}]: ${web}/compare/v${pkg.version}...v${next}\n[${pkg.version}]: ${web}/releases/tag/v${pkg.version}\n`,
		)).toBe(true);
	});

	it('refuses to tag a package that publish.yml would refuse for its placeholders', () => {
		writeFileSync(join(repo, 'package.json'), `${JSON.stringify({ ...json('package.json'), homepage: pkg.homepage }, null, 2)}\n`);
		writeFileSync(join(repo, 'CHANGELOG.md'), read('CHANGELOG.md').replace('## [Unreleased]\n', '## [Unreleased]\n\n- More.\n'));
		commitAll('Placeholder again');

		const { status, out } = release('minor');
		expect(status).toBe(1);
		expect(out).toContain('publish.yml would refuse this package');
		expect(out).toContain('package.json homepage is still the placeholder');
		expect(git('log', '-1', '--format=%s')).toBe('Placeholder again');
	});
});
