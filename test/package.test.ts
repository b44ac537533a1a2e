import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');

/** The repository's two packages: one vendor each, as n8n's verification asks. */
const PACKAGES = [
	{
		folder: root,
		name: 'n8n-nodes-omicall',
		// Its files and the words that only OMI's code holds: hosts, credential and node names.
		files: /(^|\/)omi/i,
		words: /omicall\.com|omicrm\.com|omiCallApi|\bOMI\b/,
		nodes: ['omiAi', 'omiAiTrigger', 'omiCallTrigger'],
		credentials: ['omiCallApi'],
	},
	{
		folder: join(root, 'packages', 'n8n-nodes-alovoice'),
		name: 'n8n-nodes-alovoice',
		files: /alovoice/i,
		words: /alovoice/i,
		nodes: ['alovoice'],
		credentials: ['alovoiceApi'],
	},
];

const packageJsonOf = (folder: string) => JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8'));

/** The class a built node or credential file exports, instantiated. */
function exportedInstance<T>(file: string): T {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const [Class] = Object.values(require(file)) as Array<new () => T>;
	return new Class();
}

/**
 * The repository file a documentation link points to, checked to exist in this package's docs/:
 * `<repository>/blob/main/<package folder>/docs/<page>.md`, optionally with an #anchor.
 */
function docsPageOf(pkg: { repository: { url: string; directory?: string } }, url: string): string {
	const repository = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
	const prefix = `${repository}/blob/main/${pkg.repository.directory ? `${pkg.repository.directory}/` : ''}docs/`;
	expect(url.startsWith(prefix)).toBe(true);
	const path = url.slice(`${repository}/blob/main/`.length).split('#')[0];
	expect(existsSync(join(root, path))).toBe(true);
	return path;
}

describe.each(PACKAGES)('the published package $name', ({ folder, name }) => {
	const pkg = packageJsonOf(folder);

	it('follows the community-package rules n8n verifies', () => {
		expect(pkg.name).toBe(name);
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.overrides).toBeUndefined();
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
		expect(pkg.license).toBe('MIT');
		for (const file of ['README.md', 'LICENSE', 'CHANGELOG.md']) expect(existsSync(join(folder, file))).toBe(true);
	});

	it('lists only files that the build produced', () => {
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(existsSync(join(folder, file))).toBe(true);
		}
	});

	it('packs dist, package.json, README and LICENSE, and nothing else', () => {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: folder, encoding: 'utf8' }),
		) as Array<{ files: Array<{ path: string }> }>;
		const paths = packed.files.map((file) => file.path);

		const outsideDist = paths.filter((path) => !path.startsWith('dist/')).sort();
		expect(outsideDist).toEqual(['LICENSE', 'README.md', 'package.json']);
		expect(paths).toContain('dist/index.js');
		expect(paths.filter((path) => /sandbox|test\/|\.test\./.test(path))).toEqual([]);
	});

	it('packs a codex beside every node, naming the node as n8n registers it', () => {
		for (const nodeFile of pkg.n8n.nodes as string[]) {
			const codexFile = nodeFile.replace(/\.js$/, '.json');
			expect(existsSync(join(folder, codexFile))).toBe(true);
			const codex = JSON.parse(readFileSync(join(folder, codexFile), 'utf8'));
			const node = exportedInstance<{ description: { name: string } }>(join(folder, nodeFile));
			expect(codex.node).toBe(`${pkg.name}.${node.description.name}`);
			// n8n's "Docs" link: the node's page in the repository, so that filling in the repository fills in these too.
			for (const { url } of [...codex.resources.primaryDocumentation, ...codex.resources.credentialDocumentation]) {
				expect(docsPageOf(pkg, url)).toMatch(/docs\/[\w-]+\.md$/);
			}
		}
	});

	it("links every credential's documentation to its page in the repository", () => {
		for (const file of pkg.n8n.credentials as string[]) {
			const credential = exportedInstance<{ documentationUrl: string }>(join(folder, file));
			expect(docsPageOf(pkg, credential.documentationUrl)).toMatch(/docs\/[\w-]+\.md$/);
		}
	});
});

describe('the two tarballs', () => {
	let unpacked: string;
	beforeAll(() => {
		// Inside the repository, so that the unpacked nodes find n8n-workflow as an installed n8n gives it to them.
		mkdirSync(join(root, '.tmp'), { recursive: true });
		unpacked = mkdtempSync(join(root, '.tmp', 'packs-'));
		for (const { folder, name } of PACKAGES) {
			const tarball = execFileSync('npm', ['pack', '--ignore-scripts', '--pack-destination', unpacked], { cwd: folder, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
				.trim()
				.split('\n')
				.pop() as string;
			execFileSync('mkdir', [join(unpacked, name)]);
			execFileSync('tar', ['-xzf', join(unpacked, tarball), '-C', join(unpacked, name), '--strip-components=1']);
		}
	});
	afterAll(() => rmSync(unpacked, { recursive: true, force: true }));

	function filesOf(dir: string, prefix = ''): string[] {
		return readdirSync(join(dir, prefix), { withFileTypes: true }).flatMap((entry) =>
			entry.isDirectory() ? filesOf(dir, join(prefix, entry.name)) : [join(prefix, entry.name)],
		);
	}

	it.each(PACKAGES)('$name holds the nodes and credentials of its own vendor and no file of the other', ({ name, nodes, credentials }) => {
		const dir = join(unpacked, name);
		const pkg = packageJsonOf(dir);
		expect(pkg.name).toBe(name);
		const nodeNames = (pkg.n8n.nodes as string[]).map((file) => exportedInstance<{ description: { name: string } }>(join(dir, file)).description.name);
		const credentialNames = (pkg.n8n.credentials as string[]).map((file) => exportedInstance<{ name: string }>(join(dir, file)).name);
		expect(nodeNames.sort()).toEqual([...nodes].sort());
		expect(credentialNames.sort()).toEqual([...credentials].sort());

		const other = PACKAGES.find((candidate) => candidate.name !== name)!;
		const files = filesOf(dir);
		expect(files.filter((file) => other.files.test(file))).toEqual([]);
		// The only files both hold are the vendor-neutral helpers.
		const otherFiles = new Set(filesOf(join(unpacked, other.name)));
		const inBoth = files.filter((file) => otherFiles.has(file) && file.startsWith('dist/nodes/'));
		expect(inBoth.filter((file) => !file.startsWith('dist/nodes/shared/'))).toEqual([]);
		const naming = files.filter((file) => /\.(js|json|svg)$/.test(file) && other.words.test(readFileSync(join(dir, file), 'utf8')));
		expect(naming).toEqual([]);
	});

	it('share only the vendor-neutral helpers, compiled into each', () => {
		const [omi, alovoice] = PACKAGES.map(({ name }) => new Set(filesOf(join(unpacked, name)).filter((file) => file.startsWith('dist/nodes/shared/'))));
		expect([...alovoice].every((file) => omi.has(file))).toBe(true);
		expect(alovoice.size).toBeGreaterThan(0);
	});
});

describe("n8n's scanner lint (in npm run lint)", () => {
	it('fails for a console call in a node, eslint-disable or not', () => {
		const copy = mkdtempSync(join(tmpdir(), 'scanner-lint-'));
		try {
			for (const part of ['package.json', 'nodes', 'credentials', 'icons', 'dist']) {
				cpSync(join(root, part), join(copy, part), { recursive: true });
			}
			appendFileSync(
				join(copy, 'nodes', 'OmiAi', 'OmiAi.node.ts'),
				'\n// eslint-disable-next-line no-console\nconsole.log("debug");\n',
			);
			const result = spawnSync(process.execPath, [join(root, 'scripts', 'scanner-lint.mjs'), copy], { encoding: 'utf8' });
			expect(result.status).toBe(1);
			expect(result.stderr).toMatch(/^n8n's scanner lint fails on .*:\nsource: ESLint violations found\n/);
			expect(result.stderr).toMatch(/OmiAi\.node\.ts\n\s+\d+:1\s+error\s+Unexpected console statement\s+no-console\n/);
			// The copy is otherwise clean: that console call is the only problem.
			expect(result.stderr).toContain('✖ 1 problem (1 error, 0 warnings)');
		} finally {
			rmSync(copy, { recursive: true, force: true });
		}
	});
});

describe('canvas subtitles', () => {
	// The subtitle is an n8n expression over the node's parameters; evaluated here as the editor does.
	const { Workflow } = require('n8n-workflow') as typeof import('n8n-workflow');
	const nodeTypes = { getByName: () => undefined, getByNameAndVersion: () => undefined, getKnownTypes: () => ({}) };

	function subtitleOf(subtitle: string, parameters: Record<string, string>): unknown {
		const node = { id: '1', name: 'Node', type: 'x', typeVersion: 1, position: [0, 0] as [number, number], parameters };
		const workflow = new Workflow({ nodes: [node], connections: {}, active: false, nodeTypes: nodeTypes as never });
		return workflow.expression.getSimpleParameterValue(node, subtitle, 'manual', {});
	}

	it.each([
		join(root, 'dist/nodes/OmiAi/OmiAi.node.js'),
		join(root, 'packages/n8n-nodes-alovoice/dist/nodes/Alovoice/Alovoice.node.js'),
	])('of %s name each operation of each resource by its action', (file) => {
		const { description } = exportedInstance<{ description: any }>(file);
		const operations = description.properties.filter((property: any) => property.name === 'operation');
		let checked = 0;
		for (const property of operations) {
			for (const resource of property.displayOptions.show.resource) {
				for (const option of property.options) {
					expect({ resource, operation: option.value, subtitle: subtitleOf(description.subtitle, { resource, operation: option.value }) }).toEqual({
						resource,
						operation: option.value,
						subtitle: option.action,
					});
					checked++;
				}
			}
		}
		expect(checked).toBeGreaterThan(2);
	});
});

describe('routing', () => {
	// The compiler checks the routes against each node's resource/operation map; this checks the map against what the user can pick.
	it.each([
		['OmiAi/OmiAi', join(root, 'dist/nodes/OmiAi')],
		['Alovoice/Alovoice', join(root, 'packages/n8n-nodes-alovoice/dist/nodes/Alovoice')],
	])('of %s has a route for every operation the panel offers, and no other', (_name, folder) => {
		const { description } = exportedInstance<{ description: any }>(join(folder, `${folder.split('/').pop()}.node.js`));
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const { routes } = require(join(folder, 'actions', 'router.js')) as { routes: Record<string, Record<string, unknown>> };
		const offered = Object.fromEntries(
			description.properties
				.filter((property: any) => property.name === 'operation')
				.map((property: any) => [property.displayOptions.show.resource[0], property.options.map((option: any) => option.value).sort()]),
		);
		const routed = Object.fromEntries(Object.entries(routes).map(([resource, operations]) => [resource, Object.keys(operations).sort()]));
		expect(routed).toEqual(offered);
		const resources = description.properties.find((property: any) => property.name === 'resource').options.map((option: any) => option.value);
		expect(Object.keys(routes).sort()).toEqual([...resources].sort());
	});
});
