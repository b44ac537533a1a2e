/**
 * The end-to-end suite: real n8n servers, one file after the other. `npm run test:e2e` runs it.
 * The globalSetup starts one n8n per line for the files that share it (harness/sharedN8n.ts).
 */
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '..',
	testEnvironment: 'node',
	roots: ['<rootDir>/e2e/tests'],
	testMatch: ['**/*.e2e.ts'],
	// Long enough for n8n's boot on a busy machine (up to 300 s) in a beforeAll.
	testTimeout: 600_000,
	globalSetup: '<rootDir>/e2e/globalSetup.ts',
	globalTeardown: '<rootDir>/e2e/globalTeardown.ts',
	maxWorkers: 1,
	reporters: ['default', '<rootDir>/test/summary-reporter.js', '<rootDir>/e2e/file-times-reporter.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/e2e/tsconfig.json' }] },
};
