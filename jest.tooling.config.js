/** The tests of the repository's tooling (release, publish, CI workflows): `npm run lint` runs them. */
const fastSuite = require('./jest.config');

/** @type {import('jest').Config} */
module.exports = {
	...fastSuite,
	roots: ['<rootDir>/test'],
	testMatch: undefined,
	testRegex: fastSuite.TOOLING_TESTS,
	testPathIgnorePatterns: ['/node_modules/'],
};
