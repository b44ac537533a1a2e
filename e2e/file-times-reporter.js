// With E2E_FILE_TIMES set (scripts/test-all.mjs sets it), writes each test file's wall time, outcome,
// test counts and failed tests there as JSON, for the phase table at the end of `npm run test:all`.
// The failures are kept there because a CI log shows only its tail, and a failed step's n8n and
// sandbox log tails push the assertion that failed out of it.
const { writeFileSync } = require('node:fs');
const { stripVTControlCharacters } = require('node:util');

/** The first lines of a failure message: the assertion and what it received, not the logs appended after. */
const FAILURE_LINES = 20;

class FileTimesReporter {
	constructor() {
		this.files = [];
	}

	onTestResult(_test, result) {
		const { start, end } = result.perfStats;
		const failed = result.numFailingTests + (result.testExecError ? 1 : 0);
		this.files.push({
			path: result.testFilePath,
			seconds: (end - start) / 1000,
			status: failed ? 'FAILED' : 'ok',
			tests: `${result.numPassingTests} passed, ${result.numFailingTests} failed, ${result.numPendingTests} skipped`,
			failures: [
				...result.testResults
					.filter((test) => test.status === 'failed')
					.map((test) => ({ test: test.fullName, message: firstLines(test.failureMessages.join('\n')) })),
				...(result.testExecError ? [{ test: '(the file itself)', message: firstLines(result.testExecError.message || result.testExecError.stack || '') }] : []),
			],
		});
	}

	onRunComplete() {
		if (process.env.E2E_FILE_TIMES) writeFileSync(process.env.E2E_FILE_TIMES, JSON.stringify(this.files, null, 2));
	}
}
/** Up to the stack or the logs the step appended (e2e/harness/suite.ts stepsWithDiagnostics), FAILURE_LINES at most. */
function firstLines(text) {
	const lines = stripVTControlCharacters(text).split('\n');
	const end = lines.findIndex((line) => /^\s+at /.test(line) || line.startsWith('--- '));
	return lines
		.slice(0, end === -1 ? undefined : end)
		.filter((line) => line.trim() !== '')
		.slice(0, FAILURE_LINES)
		.join('\n');
}

module.exports = FileTimesReporter;
