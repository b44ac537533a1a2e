/** @type {import('jest').Config} */
module.exports = {
	preset: 'ts-jest',
	testEnvironment: 'node',
	roots: ['<rootDir>/test', '<rootDir>/packages/n8n-nodes-alovoice/test'],
	testMatch: ['**/*.test.ts'],
	setupFiles: ['<rootDir>/test/setup-env.ts'],
	setupFilesAfterEnv: ['<rootDir>/test/setup-processed-data.ts', '<rootDir>/test/cleanup.ts'],
	testTimeout: 60_000,
	reporters: ['default', '<rootDir>/test/summary-reporter.js'],
	// n8n-core leaves unref'd background handles (HTTP agents, timers) that no
	// public API closes; every test has finished and asserted by then.
	forceExit: true,
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/test/tsconfig.json' }] },
};
