/**
 * Jest on the n8n 2.x engine: the real n8n-core and n8n-workflow 2.x of
 * e2e/n8n-2 (installed by e2e/scripts/install-n8n.sh 2), under the Node 24
 * that n8n 2.x needs (scripts/jest-n8n2.sh). The nodes, the harness and the
 * tests all get n8n's 2.x packages, as in a real n8n 2.x. It runs the
 * contract tests of the workarounds (test/contract) and the workflow tests.
 */
const base = require('./jest.config');

const n8n2 = '<rootDir>/e2e/n8n-2/node_modules';

/** @type {import('jest').Config} */
module.exports = {
	...base,
	testMatch: ['**/*.contract.ts', '**/*.test.ts'],
	// The tests of the release tooling, the package and the probe do not run n8n: once, on 1.x, is enough.
	testPathIgnorePatterns: ['/node_modules/', '/test/(release|publish|package|probe)\\.test\\.ts$'],
	moduleNameMapper: {
		'^(n8n-core|n8n-workflow|@n8n/di|@n8n/backend-common|luxon)$': `${n8n2}/$1`,
	},
};
