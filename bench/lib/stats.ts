/** Median and spread of repeated measurements, and the units the table prints. */

export interface Summary {
	median: number;
	min: number;
	max: number;
	runs: number;
}

export function summarize(values: number[]): Summary {
	if (values.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, runs: 0 };
	const sorted = [...values].sort((a, b) => a - b);
	const middle = Math.floor(sorted.length / 2);
	const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	return { median, min: sorted[0], max: sorted[sorted.length - 1], runs: values.length };
}

export const MB = 1024 * 1024;

export type Unit = 'ms' | 's' | 'MB' | 'MB/s' | '/s' | 'ms/item' | '×' | '';

const DIGITS: Record<Unit, number> = { ms: 0, s: 2, MB: 1, 'MB/s': 0, '/s': 0, 'ms/item': 3, '×': 2, '': 0 };

export function formatNumber(value: number, unit: Unit): string {
	if (!Number.isFinite(value)) return 'n/a';
	const digits = Math.abs(value) >= 100 && unit !== '×' ? 0 : DIGITS[unit];
	return value.toFixed(digits);
}

/** "412 ms (398–430)": median, then min–max when there was more than one run. */
export function formatSummary(summary: Summary, unit: Unit): string {
	const suffix = unit === '' ? '' : unit === '×' ? '×' : ` ${unit}`;
	const median = `${formatNumber(summary.median, unit)}${suffix}`;
	if (summary.runs <= 1) return median;
	return `${median} (${formatNumber(summary.min, unit)}–${formatNumber(summary.max, unit)})`;
}
