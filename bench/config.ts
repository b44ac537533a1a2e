/** The sizes of a full run (issue 7) and of the smoke run CI uses to keep the bench working. */

export interface BenchConfig {
	smoke: boolean;
	/** Repetitions of every measurement. */
	runs: number;
	/** Large upload: file sizes in MB (MiB), and the small file every workflow runs once first. */
	largeUpload: { sizesMB: number[]; warmUpMB: number };
	/** Many recordings in one execution. */
	manyRecordings: { count: number; bytes: number; concurrency: number };
	/** Campaign start: contacts (input items) of one session. */
	campaign: { contacts: number };
	/**
	 * Trigger intake: results delivered per run, and how many OMI posts at the same time. Before the
	 * runs, each variant gets `warmUp` results: n8n's heap grows to its working size over the first
	 * few hundred, and with 20 to 50 the variant measured first showed that growth as its own (2026-12-06,
	 * bench/triggerMemory.ts with 20: 313 to 359 MB for whichever came first, 54 to 153 MB in the next round;
	 * after 500 each, the RSS before every run stayed within 800 to 840 MB).
	 */
	trigger: { deliveries: number; concurrency: number; warmUp: number };
	/** OMICall Trigger: new calls in the history emitted by one poll, and calls timed through the QA loop. */
	callPoll: { backlog: number; loopSamples: number };
	/**
	 * How many requests the sandbox's request log keeps. A full run fills the
	 * sandbox's default (10,000) before the call-history case; the smoke run's
	 * small log fills just as well, so that it meets the same full log.
	 */
	sandboxRequestLog?: number;
	/** The profiling pass: a second n8n under --cpu-prof running the per-item workloads once. */
	profile: { recordings: number; contacts: number; deliveries: number };
}

export const FULL: BenchConfig = {
	smoke: false,
	runs: 3,
	largeUpload: { sizesMB: [100, 500], warmUpMB: 1 },
	manyRecordings: { count: 1000, bytes: 200 * 1024, concurrency: 5 },
	campaign: { contacts: 10_000 },
	trigger: { deliveries: 2000, concurrency: 10, warmUp: 500 },
	callPoll: { backlog: 5000, loopSamples: 4 },
	profile: { recordings: 500, contacts: 3000, deliveries: 500 },
};

/** The same code paths at tiny sizes, once each: about a minute and a half. */
export const SMOKE: BenchConfig = {
	...FULL,
	smoke: true,
	runs: 1,
	largeUpload: { sizesMB: [1, 2], warmUpMB: 1 },
	manyRecordings: { ...FULL.manyRecordings, count: 20 },
	campaign: { contacts: 100 },
	trigger: { ...FULL.trigger, deliveries: 50, warmUp: 5 },
	callPoll: { backlog: 200, loopSamples: 1 },
	sandboxRequestLog: 50,
	profile: { recordings: 20, contacts: 100, deliveries: 50 },
};
