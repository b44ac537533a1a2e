/** The probe's report for a person (Markdown) and for a bug report (JSON); both from the redacted report. */

import type { CheckResult, Difference, ProbeReport } from './run';

const MEANING: Record<Difference['kind'], (d: Difference) => string> = {
	'no-answer': (d) => `no answer: ${d.omi} (the sandbox answered ${d.sandbox})`,
	'http-status': (d) => `OMI answered ${d.omi} where the sandbox answers ${d.sandbox}`,
	'not-json': (d) => `OMI answered with ${d.omi} where the sandbox answers JSON`,
	value: (d) => `\`${d.path}\` is ${d.omi} where the sandbox has ${d.sandbox}`,
	missing: (d) => `\`${d.path}\` is missing (the sandbox sends ${d.sandbox})`,
	moved: (d) => `\`${d.path}\` is nested differently: OMI has it at \`${d.omi}\``,
	extra: (d) => `\`${d.path}\` is extra (${d.omi}); the sandbox does not send it`,
	type: (d) => `\`${d.path}\` is ${d.omi} where the sandbox sends ${d.sandbox}`,
};

const NO_ANSWER_CONSEQUENCE =
	'They fail with the same reason in plain words ("Could not get an OMI access token from …" or "Could not complete the request to OMI: …"): check the host, the network, or try again later.';

export const describeDifference = (difference: Difference) => MEANING[difference.kind](difference);

const fence = (value: unknown) => ['```json', JSON.stringify(value, null, 2).slice(0, 3000), '```'].join('\n');

function checkSection(check: CheckResult): string[] {
	const status = check.omi.answered ? `HTTP ${check.omi.status}` : `no answer (${check.omi.failure})`;
	const lines = [`### ${check.title}`, '', `\`${check.request}\` → ${status}`, ''];
	if (check.differences.length === 0) lines.push('Same shape as the sandbox.', '');
	else {
		lines.push(`${check.differences.length} difference(s) from the sandbox:`, '');
		for (const difference of check.differences) lines.push(`- ${describeDifference(difference)}`);
		const unanswered = !check.omi.answered;
		lines.push('', `What the nodes do: ${unanswered ? NO_ANSWER_CONSEQUENCE : check.consequence}`, '');
	}
	for (const read of check.reads) lines.push(`- ${read.what}, from \`${read.path}\`: **${read.found ? 'found' : 'not found'}**`);
	if (check.reads.length > 0) lines.push('');
	for (const note of check.notes) lines.push(`- ${note}`);
	if (check.differences.length > 0 && check.omi.answered) lines.push('<details><summary>OMI\'s answer</summary>', '', fence(check.omi.body), '', '</details>', '');
	return lines;
}

export function toMarkdown(report: ProbeReport): string {
	const lines = [
		'# OMI conformance probe',
		'',
		`Probed ${report.probedAt}: base URL ${report.target.baseUrl}, AI hosts ${report.target.aiBaseUrls.join(', ') || '(none)'}.`,
		'Secrets, tokens, phone numbers and e-mail addresses are replaced by placeholders: this report can be attached to an issue as it is.',
		'',
		`**${report.totals.differences} difference(s)** from the sandbox in ${report.totals.checks} checks; ${report.totals.notRead} value(s) the nodes read were not found.`,
		'',
	];
	if (report.aiHosts.length > 0) {
		lines.push('## AI hosts', '');
		for (const host of report.aiHosts) lines.push(`- ${host.host}: ${host.verdict}`);
		const usable = report.aiHosts.find((host) => host.usable);
		lines.push('', usable ? `Use ${usable.host} as the credential's AI Base URL.` : 'No AI host answered as OMI: Transcribe, Analyze Call and the trigger will not work until OMI names its AI host.', '');
	}
	lines.push('## Checks', '');
	for (const check of report.checks) lines.push(...checkSection(check));
	if (report.skipped.length > 0) {
		lines.push('## Not checked', '');
		for (const reason of report.skipped) lines.push(`- ${reason}`);
		lines.push('');
	}
	return lines.join('\n');
}

export const toJson = (report: ProbeReport) => `${JSON.stringify(report, null, 2)}\n`;
