import type { BenchConfig } from '../config';
import type { BenchEnv } from '../lib/env';
import type { Results } from '../lib/report';

/** What every case gets: the running n8n and sandbox, the sizes, where to record, and a progress line. */
export interface CaseContext {
	env: BenchEnv;
	config: BenchConfig;
	results: Results;
	log: (line: string) => void;
}
