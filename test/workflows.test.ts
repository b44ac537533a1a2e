import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { repositoryPackages } = require('../scripts/packages.cjs') as { repositoryPackages: (root: string) => Array<{ name: string }> };

const root = join(__dirname, '..');
const workflowsDir = join(root, '.github', 'workflows');

type Step = { uses?: string; run?: string; with?: Record<string, unknown>; env?: Record<string, string> };
type Job = { 'runs-on': string; permissions?: Record<string, string>; steps: Step[] };
type Workflow = { on: Record<string, unknown>; permissions?: Record<string, string>; jobs: Record<string, Job> };

const load = (name: string) => parse(readFileSync(join(workflowsDir, name), 'utf8')) as Workflow;
const steps = (workflow: Workflow) => Object.values(workflow.jobs).flatMap((job) => job.steps);
const setupNode = (job: Job) => job.steps.find((step) => step.uses?.startsWith('actions/setup-node@'));

function actionlint(...files: string[]) {
	return spawnSync(process.execPath, [join(root, 'scripts', 'actionlint.mjs'), ...files], { cwd: root, encoding: 'utf8' });
}

describe('the GitHub Actions workflows', () => {
	it('ci.yml runs the test command on pushes and pull requests, on Node 20 and 24, with npm and the n8n installs cached', () => {
		const ci = load('ci.yml');
		expect(Object.keys(ci.on).sort()).toEqual(['pull_request', 'push']);
		expect(ci.permissions).toEqual({ contents: 'read' });

		const jobs = Object.values(ci.jobs);
		const nodeVersions = jobs.map((job) => setupNode(job)?.with?.['node-version']).sort();
		expect(nodeVersions).toEqual([20, 24]);
		for (const job of jobs) expect(setupNode(job)?.with?.cache).toBe('npm');

		const full = jobs.find((job) => job.steps.some((step) => step.run === 'bash .ci/run'));
		expect(setupNode(full!)?.with?.['node-version']).toBe(20);
		expect(readFileSync(join(root, '.ci', 'run'), 'utf8')).toMatch(/npm ci .*\nnpm run test:all\n/);

		const cache = full!.steps.find((step) => step.uses?.startsWith('actions/cache@'));
		expect(String(cache?.with?.path).trim().split('\n')).toEqual(['e2e/n8n-1/node_modules', 'e2e/n8n-2/node_modules']);
		expect(cache?.with?.key).toContain("hashFiles('e2e/n8n-1/package-lock.json', 'e2e/n8n-2/package-lock.json'");
		// apt-get needs root, which the runner has only through sudo; the script is idempotent in .ci/run.
		expect(full!.steps.map((step) => step.run)).toContain('sudo bash e2e/scripts/install-queue-deps.sh');

		const fast = jobs.find((job) => job !== full)!;
		expect(fast.steps.map((step) => step.run).filter(Boolean)).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
	});

	it("publish.yml publishes each package's release tags with provenance through scripts/publish.cjs, after the fast tests", () => {
		const publish = load('publish.yml');
		// One tag pattern per package of the repository, <package name>@X.Y.Z, as npm run release makes them.
		const packageNames = repositoryPackages(root).map((p) => p.name);
		expect(packageNames).toEqual(['n8n-nodes-omicall', 'n8n-nodes-alovoice']);
		expect(publish.on).toEqual({ push: { tags: packageNames.map((name) => `${name}@*.*.*`) } });
		expect(publish.permissions).toEqual({ contents: 'read' });
		const [job] = Object.values(publish.jobs);
		expect(job.permissions).toEqual({ contents: 'read', 'id-token': 'write' });

		// Node 24 for npm >= 11.5.1 (trusted publishing); no registry-url, whose token
		// line in .npmrc would take the place of the OIDC exchange; no cache.
		expect(setupNode(job)?.with).toEqual({ 'node-version': 24 });
		const runs = job.steps.map((step) => step.run?.trim()).filter(Boolean) as string[];
		expect(runs.slice(0, 2)).toEqual(['npm ci --no-audit --no-fund', 'npm test']);
		const last = job.steps[job.steps.length - 1];
		// The script works out the package from the tag, checks it and publishes it from its folder.
		expect(last.run).toMatch(/\nnode scripts\/publish\.cjs --tag "\$GITHUB_REF_NAME"\n$/);
		// The token is the fallback only: written as a reference to the environment, when set.
		expect(last.env).toEqual({ NPM_TOKEN: '${{ secrets.NPM_TOKEN }}' });
		expect(last.run).toContain(`if [ -n "$NPM_TOKEN" ]; then`);
		expect(last.run).toContain(`printf '//registry.npmjs.org/:_authToken=\${NPM_TOKEN}\\n' >> ~/.npmrc`);
		expect(steps(publish).filter((step) => JSON.stringify(step).includes('secrets.'))).toEqual([last]);

		const script = readFileSync(join(root, 'scripts', 'publish.cjs'), 'utf8');
		expect(script).toContain(`['publish', tarball, '--provenance', '--access', 'public']`);
		expect(script).toContain(`spawnSync('npm', publishArgs, { cwd: dir, stdio: 'inherit' })`);
	});

	it('actionlint passes on both workflow files', () => {
		const result = actionlint();
		expect(result.stderr).toBe('');
		expect(result.stdout).toBe('actionlint: 2 workflow file(s) pass\n');
		expect(result.status).toBe(0);
	});

	it('actionlint fails a broken workflow, naming each problem', () => {
		const dir = mkdtempSync(join(tmpdir(), 'actionlint-'));
		try {
			const broken = join(dir, 'broken.yml');
			const ci = readFileSync(join(workflowsDir, 'ci.yml'), 'utf8');
			writeFileSync(
				broken,
				ci
					.replace('timeout-minutes: 90', 'timeout-minutes: 90\n    permisions: read-all')
					.replace('${{ github.ref }}', '${{ github.reff }}')
					.replace('      - run: npm test\n', '      - run: npm test\n\n      - uses: actions/checkout@v1\n'),
			);
			const result = actionlint(broken);
			expect(result.status).toBe(1);
			expect(result.stderr).toContain('actionlint: 3 problem(s)');
			expect(result.stderr).toMatch(/unexpected key "permisions" for "job" section.*\[syntax-check\]/);
			expect(result.stderr).toMatch(/property "reff" is not defined.*\[expression\]/);
			expect(result.stderr).toMatch(/"actions\/checkout@v1" action is too old.*\[action\]/);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});
});
