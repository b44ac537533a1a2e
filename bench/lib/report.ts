/**
 * What the cases record, and the tables made of it: absolute figures (median
 * and min–max over the runs) and the targets of issue 7 with their verdicts.
 */

import { type Summary, type Unit, formatNumber, formatSummary, summarize } from './stats';

export interface Figure {
	section: string;
	measurement: string;
	variant: string;
	unit: Unit;
	values: number[];
}

export interface Check {
	id: string;
	target: string;
	unit: Unit;
	/** One value per run (a ratio of that run's figures, a size, a count). */
	values: number[];
	/** Judged on the median. */
	bound: { atMost: number } | { atLeast: number };
}

export class Results {
	readonly figures: Figure[] = [];
	readonly checks: Check[] = [];
	readonly notes: string[] = [];
	/** Extra markdown sections, e.g. a profile's hottest functions. */
	readonly appendices: Array<{ title: string; markdown: string }> = [];

	/** Adds one run's value to a figure, creating it on first use. */
	record(section: string, measurement: string, variant: string, unit: Unit, value: number): void {
		let figure = this.find(section, measurement, variant);
		if (!figure) {
			figure = { section, measurement, variant, unit, values: [] };
			this.figures.push(figure);
		}
		figure.values.push(value);
	}

	values(section: string, measurement: string, variant: string): number[] {
		return this.find(section, measurement, variant)?.values ?? [];
	}

	private find(section: string, measurement: string, variant: string): Figure | undefined {
		return this.figures.find(
			(entry) => entry.section === section && entry.measurement === measurement && entry.variant === variant,
		);
	}

	/** A target judged on the per-run values of a figure, or on the per-run ratio of two figures. */
	check(check: Check): void {
		this.checks.push(check);
	}

	note(text: string): void {
		this.notes.push(text);
	}

	appendix(title: string, markdown: string): void {
		this.appendices.push({ title, markdown });
	}
}

/** Per-run ratios a/b of two figures recorded in the same runs. */
export function ratios(a: number[], b: number[]): number[] {
	return a.slice(0, Math.min(a.length, b.length)).map((value, index) => value / b[index]);
}

export interface Verdict {
	summary: Summary;
	met: boolean;
	/** How far the median is on the wrong side of the bound (0 when met), in the check's unit. */
	gap: number;
}

export function verdict(check: Check): Verdict {
	const summary = summarize(check.values);
	const gap = 'atMost' in check.bound ? summary.median - check.bound.atMost : check.bound.atLeast - summary.median;
	const met = Number.isFinite(summary.median) && gap <= 0;
	return { summary, met, gap: met ? 0 : gap };
}

function bound(check: Check): number {
	return 'atMost' in check.bound ? check.bound.atMost : check.bound.atLeast;
}

export function markdownTable(header: string[], rows: string[][]): string {
	const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
	return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

export function targetsTable(results: Results): string {
	return markdownTable(
		['#', 'Target', 'Measured: median (min–max)', 'Met'],
		results.checks.map((check) => {
			const { summary, met, gap } = verdict(check);
			const missedBy = bound(check) === 0 ? '' : ` (${Math.round((gap / Math.abs(bound(check))) * 100)} %)`;
			const verdictText = met ? 'yes' : `**no**, missed by ${formatNumber(gap, check.unit)}${check.unit === '×' ? '' : ` ${check.unit}`}${missedBy}`;
			return [check.id, check.target, formatSummary(summary, check.unit), verdictText];
		}),
	);
}

/** Figures grouped by section, then by measurement, each in the order they first appeared. */
function grouped(figures: Figure[]): Figure[] {
	const firstSeen = (key: (figure: Figure) => string) => {
		const order = new Map<string, number>();
		figures.forEach((figure, index) => order.has(key(figure)) || order.set(key(figure), index));
		return (figure: Figure) => order.get(key(figure))!;
	};
	const section = firstSeen((figure) => figure.section);
	const measurement = firstSeen((figure) => `${figure.section}\u0000${figure.measurement}`);
	return [...figures].sort((a, b) => section(a) - section(b) || measurement(a) - measurement(b));
}

export function figuresTable(results: Results): string {
	return markdownTable(
		['Section', 'Measurement', 'Variant', 'Median (min–max)', 'Runs'],
		grouped(results.figures).map((figure) => [
			figure.section,
			figure.measurement,
			figure.variant,
			formatSummary(summarize(figure.values), figure.unit),
			String(figure.values.length),
		]),
	);
}
