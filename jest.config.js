/**
 * The fast suite (`npx jest`): the nodes through n8n's execution engine. The tests of the
 * repository's own tooling (release, publish, the CI workflow files and actionlint) run in
 * the lint step instead, with jest.tooling.config.js.
 */
const TOOLING_TESTS = '/test/(release|publish|workflows)[^/]*\\.test\\.ts$';

/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test', '<rootDir>/packages/n8n-nodes-alovoice/test'],
	testMatch: ['**/*.test.ts'],
	testPathIgnorePatterns: ['/node_modules/', TOOLING_TESTS],
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/setup-processed-data.ts', '<rootDir>/test/cleanup.ts'],
	testTimeout: 60_000,
	reporters: ['default', '<rootDir>/test/summary-reporter.js'],
	// n8n-core leaves unref'd background handles (HTTP agents, timers) that no
	// public API closes; every test has finished and asserted by then.
	forceExit: true,
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
};
// For jest.tooling.config.js; not enumerable, so jest does not take it for an option.
Object.defineProperty(module.exports, 'TOOLING_TESTS', { value: TOOLING_TESTS });
