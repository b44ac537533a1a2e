/** The end-to-end suite: real n8n servers, one after the other. `npm run test:e2e` runs it. */
/** @type {import('jest').Config} */
module.exports = {
	rootDir: '..',
	testEnvironment: 'node',
	roots: ['<rootDir>/e2e/tests'],
	testMatch: ['**/*.e2e.ts'],
	testTimeout: 300_000,
	maxWorkers: 1,
	reporters: ['default', '<rootDir>/test/summary-reporter.js'],
	transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/e2e/tsconfig.json' }] },
};
