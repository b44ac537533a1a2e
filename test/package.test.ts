import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
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
			expect(codex.resources.primaryDocumentation[0].url).toMatch(/^https:\/\/github\.com\/.+#/);
		}
	});
});
