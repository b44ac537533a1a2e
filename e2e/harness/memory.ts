/**
 * n8n's resident memory as the kernel counts it, read from /proc (Linux),
 * for tests that bound how much a burst of work may grow it.
 */

import { readFileSync } from 'fs';

/** VmRSS of a process in bytes; 0 once it is gone. */
export function rssOf(pid: number): number {
	try {
		const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
		return kb ? Number(kb) * 1024 : 0;
	} catch {
		return 0;
	}
}

/**
 * Samples the RSS of `pid` every `intervalMs` until stop(), which returns the
 * highest sample minus the one taken at the start, in bytes. A leak of
 * megabytes per request is no short spike, so a timer in the test's process
 * is fine-grained enough.
 */
export function watchPeakRssGrowth(pid: number, intervalMs = 100): { stop: () => number } {
	const baseline = rssOf(pid);
	let peak = baseline;
	const timer = setInterval(() => {
		peak = Math.max(peak, rssOf(pid));
	}, intervalMs);
	return {
		stop() {
			clearInterval(timer);
			peak = Math.max(peak, rssOf(pid));
			return peak - baseline;
		},
	};
}
