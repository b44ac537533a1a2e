import { execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

describe('the published package', () => {
	it('follows the community-package rules n8n verifies', () => {
		expect(pkg.name).toBe('n8n-nodes-omicall');
		expect(pkg.keywords).toContain('n8n-community-node-package');
		expect(pkg.files).toEqual(['dist']);
		expect(pkg.dependencies ?? {}).toEqual({});
		expect(pkg.peerDependencies).toEqual({ 'n8n-workflow': '*' });
		expect(pkg.overrides).toBeUndefined();
		expect(pkg.n8n.n8nNodesApiVersion).toBe(1);
	});

	it('lists only files that the build produced', () => {
		for (const file of [...pkg.n8n.nodes, ...pkg.n8n.credentials]) {
			expect(existsSync(join(root, file))).toBe(true);
		}
	});

	it('packs dist, package.json, README and LICENSE, and nothing else', () => {
		const [packed] = JSON.parse(
			execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: root, encoding: 'utf8' }),
		) as Array<{ files: Array<{ path: string }> }>;
		const paths = packed.files.map((file) => file.path);

		const outsideDist = paths.filter((path) => !path.startsWith('dist/')).sort();
		expect(outsideDist).toEqual(['LICENSE', 'README.md', 'package.json']);
		expect(paths).toEqual(
			expect.arrayContaining([
				'dist/index.js',
				'dist/icons/omi.svg',
				'dist/icons/omi.dark.svg',
				'dist/icons/alovoice.svg',
				'dist/nodes/OmiAi/OmiAi.node.js',
				'dist/nodes/OmiAi/OmiAi.node.json',
			]),
		);
		expect(paths.filter((path) => /sandbox|test\/|\.test\./.test(path))).toEqual([]);
	});

	it('packs a codex beside every node, naming the node as n8n registers it', () => {
		for (const nodeFile of pkg.n8n.nodes as string[]) {
			const codexFile = nodeFile.replace(/\.js$/, '.json');
			expect(existsSync(join(root, codexFile))).toBe(true);
			const codex = JSON.parse(readFileSync(join(root, codexFile), 'utf8'));
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const exported = require(join(root, nodeFile));
			const [NodeClass] = Object.values(exported) as Array<new () => { description: { name: string } }>;
			expect(codex.node).toBe(`${pkg.name}.${new NodeClass().description.name}`);
			// Under the homepage, so that filling in the repository fills in these too.
			expect(codex.resources.primaryDocumentation[0].url).toMatch(new RegExp(`^${pkg.homepage.split('#')[0]}#`));
		}
	});

	it("fails n8n's scanner lint (in npm run lint) for a console call in a node, eslint-disable or not", () => {
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
			expect(result.stderr).toMatch(/^n8n's scanner lint fails:\nsource: ESLint violations found\n/);
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

	it.each(['OmiAi/OmiAi', 'Alovoice/Alovoice'])('of %s name each operation of each resource by its action', (file) => {
		// eslint-disable-next-line @typescript-eslint/no-require-imports
		const [NodeClass] = Object.values(require(join(root, 'dist/nodes', `${file}.node.js`))) as Array<new () => { description: any }>;
		const { description } = new NodeClass();
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
