import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { testRepository, withFilledInMetadata } from './harness/filledInMetadata';

// npm run release (scripts/release.cjs) in a throwaway git repository in a temporary
// folder, made of both packages' package.json (metadata filled in) and CHANGELOG.md and a
// package-lock.json of the workspace, so that no tag of this repository is touched.
// release() is called in this process; one test runs the command line itself.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { release } = require('../scripts/release.cjs') as { release: (root: string, args: string[]) => string };

const root = join(__dirname, '..');
const alovoiceFolder = 'packages/n8n-nodes-alovoice';
const PACKAGES = [
	{ short: 'omicall', folder: '.' },
	{ short: 'alovoice', folder: alovoiceFolder },
].map(({ short, folder }) => {
	const pkg = JSON.parse(readFileSync(join(root, folder, 'package.json'), 'utf8'));
	return { short, folder, pkg, name: pkg.name as string, version: pkg.version as string, changelog: join(folder, 'CHANGELOG.md') };
});
const [omicall, alovoice] = PACKAGES;
const web = testRepository;
let repo: string;

const git = (...args: string[]) => execFileSync('git', args, { cwd: repo, encoding: 'utf8' }).trim();
const read = (file: string) => readFileSync(join(repo, file), 'utf8');
const write = (file: string, text: string) => writeFileSync(join(repo, file), text);
const json = (file: string) => JSON.parse(read(file));
const today = () => new Date().toISOString().slice(0, 10);
const bumpPatch = (version: string) => version.replace(/\d+$/, (patch) => String(Number(patch) + 1));

/** The message release() refuses with. */
function refusal(args: string[]): string {
	try {
		release(repo, args);
	} catch (error) {
		return (error as Error).message;
	}
	throw new Error(`release ${args.join(' ')} did not refuse`);
}

function commitAll(message: string) {
	git('add', '-A');
	git('commit', '--quiet', '-m', message);
}

function addUnreleased(file: string, entry: string) {
	write(file, read(file).replace('## [Unreleased]\n', `## [Unreleased]\n\n${entry}\n`));
}

beforeAll(() => {
	repo = mkdtempSync(join(tmpdir(), 'release-test-'));
	git('init', '--quiet');
	git('config', 'user.name', 'Release Test');
	git('config', 'user.email', 'release-test@example.com');
	mkdirSync(join(repo, alovoiceFolder), { recursive: true });
	for (const { folder, pkg, changelog } of PACKAGES) {
		write(join(folder, 'package.json'), `${JSON.stringify(withFilledInMetadata(pkg, folder), null, 2)}\n`);
		write(changelog, readFileSync(join(root, changelog), 'utf8'));
	}
	const lock = {
		name: omicall.name,
		version: omicall.version,
		lockfileVersion: 3,
		requires: true,
		packages: {
			'': { name: omicall.name, version: omicall.version, workspaces: omicall.pkg.workspaces },
			[alovoiceFolder]: { version: alovoice.version },
			[`node_modules/${alovoice.name}`]: { resolved: alovoiceFolder, link: true },
		},
	};
	write('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
	commitAll('Start');
});

afterAll(() => rmSync(repo, { recursive: true, force: true }));

describe('npm run release -- <package> <version>', () => {
	it('asks which package to release when none or an unknown one is named', () => {
		const cli = spawnSync(process.execPath, [join(root, 'scripts', 'release.cjs')], { cwd: repo, encoding: 'utf8' });
		expect(cli.status).toBe(1);
		expect(cli.stderr).toBe(
			'release refused: name the package to release first: usage: npm run release -- <omicall|alovoice> <patch|minor|major|X.Y.Z>\n',
		);
		// The release command of a single package took only the version.
		expect(refusal(['patch'])).toBe(
			'patch is no package of this repository; name the package to release first: usage: npm run release -- <omicall|alovoice> <patch|minor|major|X.Y.Z>',
		);
		expect(git('tag', '--list')).toBe('');
	});

	it('releases the current version of n8n-nodes-omicall once, as its first release: its changelog dated, commit, tag', () => {
		const unreleased = read(omicall.changelog).split('## [Unreleased]\n')[1].trim();
		expect(unreleased).toMatch(/^The first release, 0\.1\.0\./);
		const tag = `${omicall.name}@${omicall.version}`;

		// The command line, as npm run release runs it.
		const cli = spawnSync(process.execPath, [join(root, 'scripts', 'release.cjs'), 'omicall', omicall.version], {
			cwd: repo,
			encoding: 'utf8',
		});
		expect(cli.stdout).toBe(`Tagged ${tag}. Publish it: git push origin HEAD ${tag}\n`);
		expect(cli.status).toBe(0);

		const changelog = read(omicall.changelog);
		expect(changelog).toContain(`## [Unreleased]\n\n## [${omicall.version}] - ${today()}\n\n${unreleased}\n`);
		expect(changelog.endsWith(`\n\n[Unreleased]: ${web}/compare/${tag}...HEAD\n[${omicall.version}]: ${web}/releases/tag/${tag}\n`)).toBe(true);
		expect(git('log', '-1', '--format=%s')).toBe(`Release ${tag}`);
		expect(git('tag', '--points-at', 'HEAD')).toBe(tag);
		expect(git('cat-file', '-t', tag)).toBe('tag');
		expect(git('status', '--porcelain')).toBe('');
	});

	it('releases n8n-nodes-alovoice with its own changelog, version and tag, touching nothing of the other package', () => {
		const tag = `${alovoice.name}@${alovoice.version}`;
		const omicallChangelog = read(omicall.changelog);

		expect(release(repo, ['alovoice', alovoice.version])).toBe(tag);

		const changelog = read(alovoice.changelog);
		expect(changelog).toContain(`## [Unreleased]\n\n## [${alovoice.version}] - ${today()}\n\nThe first release, 0.1.0.\n`);
		expect(changelog.endsWith(`\n\n[Unreleased]: ${web}/compare/${tag}...HEAD\n[${alovoice.version}]: ${web}/releases/tag/${tag}\n`)).toBe(true);
		expect(read(omicall.changelog)).toBe(omicallChangelog);
		expect(git('log', '-1', '--format=%s')).toBe(`Release ${tag}`);
		expect(git('tag', '--points-at', 'HEAD')).toBe(tag);
		// The version as it stands: only the changelog changes.
		expect(git('show', '--format=', '--name-only', 'HEAD')).toBe(`${alovoiceFolder}/CHANGELOG.md`);
	});

	it('refuses an empty Unreleased section, changes in the working tree, a lower version and an existing tag', () => {
		const head = git('rev-parse', 'HEAD');
		const tags = git('tag', '--list');
		expect(refusal(['alovoice', 'patch'])).toBe(
			`${alovoiceFolder}/CHANGELOG.md has nothing under "## [Unreleased]": write what this release changes`,
		);

		write('notes.txt', 'draft');
		expect(refusal(['omicall', 'patch'])).toBe('the working tree has changes: commit or stash them first');
		rmSync(join(repo, 'notes.txt'));

		expect(refusal(['alovoice', '0.0.9'])).toBe(`0.0.9 is lower than the current version ${alovoice.version}`);
		expect(refusal(['n8n-nodes-alovoice', alovoice.version])).toBe(`the tag ${alovoice.name}@${alovoice.version} exists already`);
		expect(refusal(['alovoice', 'sideways'])).toBe(
			'usage: npm run release -- <omicall|alovoice> <patch|minor|major|X.Y.Z>',
		);

		expect(git('rev-parse', 'HEAD')).toBe(head);
		expect(git('tag', '--list')).toBe(tags);
		expect(git('status', '--porcelain')).toBe('');
	});

	it("bumps a package's version in its package.json and in package-lock.json, and links the release to that package's one before", () => {
		addUnreleased(alovoice.changelog, '### Fixed\n\n- A fix users notice.');
		commitAll('Fix');

		const next = bumpPatch(alovoice.version);
		expect(release(repo, ['alovoice', 'patch'])).toBe(`${alovoice.name}@${next}`);
		expect(git('show', '--format=', '--name-only', 'HEAD').split('\n').sort()).toEqual([
			'package-lock.json',
			`${alovoiceFolder}/CHANGELOG.md`,
			`${alovoiceFolder}/package.json`,
		]);
		expect(json(join(alovoiceFolder, 'package.json')).version).toBe(next);
		expect(json('package-lock.json').packages[alovoiceFolder].version).toBe(next);
		// The other package keeps its version.
		expect(json('package.json').version).toBe(omicall.version);
		expect(json('package-lock.json').version).toBe(omicall.version);
		expect(json('package-lock.json').packages[''].version).toBe(omicall.version);

		const [previous, current] = [`${alovoice.name}@${alovoice.version}`, `${alovoice.name}@${next}`];
		const changelog = read(alovoice.changelog);
		expect(changelog).toContain(`## [Unreleased]\n\n## [${next}] - ${today()}\n\n### Fixed\n\n- A fix users notice.\n\n## [${alovoice.version}] - ${today()}\n`);
		expect(changelog.endsWith(
			`\n\n[Unreleased]: ${web}/compare/${current}...HEAD\n[${next}]: ${web}/compare/${previous}...${current}\n[${alovoice.version}]: ${web}/releases/tag/${previous}\n`,
		)).toBe(true);

		// And the root package's version, in package.json and both places of the lock.
		addUnreleased(omicall.changelog, '- Another fix.');
		commitAll('Another fix');
		expect(release(repo, ['omicall', 'minor'])).toBe(`${omicall.name}@0.2.0`);
		expect(json('package.json').version).toBe('0.2.0');
		expect(json('package-lock.json').version).toBe('0.2.0');
		expect(json('package-lock.json').packages[''].version).toBe('0.2.0');
		expect(json('package-lock.json').packages[alovoiceFolder].version).toBe(next);
		expect(read(omicall.changelog)).toContain(`[0.2.0]: ${web}/compare/${omicall.name}@${omicall.version}...${omicall.name}@0.2.0\n`);
	});

	it('refuses to tag a package that publish.yml would refuse: placeholders, or no repository.directory in a subfolder', () => {
		const manifest = join(alovoiceFolder, 'package.json');
		const filledIn = json(manifest);
		addUnreleased(alovoice.changelog, '- More.');
		write(manifest, `${JSON.stringify({ ...filledIn, homepage: alovoice.pkg.homepage }, null, 2)}\n`);
		commitAll('Placeholder again');
		const placeholder = refusal(['alovoice', 'minor']);
		expect(placeholder).toMatch(/^publish\.yml would refuse n8n-nodes-alovoice:\n {2}- package\.json homepage is still the placeholder/);

		write(manifest, `${JSON.stringify({ ...filledIn, repository: { type: 'git', url: `git+${web}.git` } }, null, 2)}\n`);
		commitAll('No directory');
		expect(refusal(['alovoice', 'minor'])).toContain(
			`package.json repository.directory is missing: it must be "${alovoiceFolder}", the package's folder in the repository`,
		);
		expect(git('log', '-1', '--format=%s')).toBe('No directory');
	});
});
