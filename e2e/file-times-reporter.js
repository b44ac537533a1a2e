// With E2E_FILE_TIMES set (scripts/test-all.mjs sets it), writes each test file's wall time, outcome
// and test counts there as JSON, for the phase table at the end of `npm run test:all`.
const { writeFileSync } = require('node:fs');

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
		});
	}

	onRunComplete() {
		if (process.env.E2E_FILE_TIMES) writeFileSync(process.env.E2E_FILE_TIMES, JSON.stringify(this.files, null, 2));
	}
}
module.exports = FileTimesReporter;
