// Ends the run with a plain "N passed, N failed" line that CI can read.
class SummaryReporter {
	onRunComplete(_contexts, results) {
		const skipped = results.numPendingTests + results.numTodoTests;
		const suiteErrors = results.numRuntimeErrorTestSuites;
		const failed = results.numFailedTests + suiteErrors;
		console.log(`\njest: ${results.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
	}
}
module.exports = SummaryReporter;
