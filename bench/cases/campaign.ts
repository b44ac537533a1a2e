/**
 * Issue 7, measurement 4: Start Campaign from many input items with three
 * mapped variables each, one session for all. The node's own time is its
 * execution time (n8n's) minus the time the sandbox spent on the requests the
 * node made meanwhile (the sandbox logs each request's duration, from its
 * arrival to the end of the answer). Memory: n8n's peak RSS growth while the
 * node ran. Next to it: the same node with the variables mapped
 * automatically (no per-item expression but the phone), n8n's own Edit Fields
 * node evaluating the same four expressions per item, and the workflow
 * without any node after the split.
 */

import type { BenchEnv } from '../lib/env';
import { inTurn, nodeRun, sampled } from '../lib/measure';
import { cpuBetween, peakGrowth } from '../lib/proc';
import { MB } from '../lib/stats';
import { CAMPAIGN_NODE, CAMPAIGN_VARIABLES, type CampaignEnd, CONTACT_FIELDS, EDIT_FIELDS_NODE, SCRIPT_ID, campaign } from '../lib/workflows';
import type { CaseContext } from './context';

type Contact = Record<(typeof CONTACT_FIELDS)[number], string>;

export function contacts(count: number): Contact[] {
	return Array.from({ length: count }, (_, index) => ({
		phone: `09${String(index).padStart(8, '0')}`,
		customer_name: `Nguyễn Thị Khách ${index}`,
		debt_amount: String(1_000_000 + index * 1000),
		due_date: `2026-12-${String((index % 28) + 1).padStart(2, '0')}`,
	}));
}

const SANDBOX_LINE = /^(?:GET|POST) (\/api\/auth|\/api\/call_bot\/execute_by_phone) \d+ (\d+)ms$/;

/**
 * Milliseconds the sandbox spent on the node's requests: those that began
 * inside the node's window (a line is logged when the answer closes, which a
 * busy bench process may see a little after the node ended).
 */
function sandboxMs(env: BenchEnv, from: number, to: number): number {
	let total = 0;
	for (const line of env.sandboxLog) {
		const match = SANDBOX_LINE.exec(line.text);
		const ms = Number(match?.[2]);
		if (match && line.at - ms >= from && line.at - ms <= to) total += ms;
	}
	return total;
}

/** Throws unless the session OMI got holds every contact, in order, with its three variables. */
function verifySession(env: BenchEnv, autocallId: string, sent: Contact[]): void {
	const session = env.sandbox.control.sessions().find((entry) => entry.autocallId === autocallId);
	if (!session) throw new Error(`the sandbox has no session ${autocallId}`);
	const body = session.body as { bot_script_id?: string; contact_info?: Array<{ phone: string; mapping_variables: Record<string, string> }> };
	const got = body.contact_info ?? [];
	const wrong = sent.findIndex((contact, index) => {
		const entry = got[index];
		const variables = entry?.mapping_variables ?? {};
		return (
			entry?.phone !== contact.phone ||
			Object.keys(variables).length !== CAMPAIGN_VARIABLES.length ||
			CAMPAIGN_VARIABLES.some((name) => variables[name] !== contact[name])
		);
	});
	if (body.bot_script_id !== SCRIPT_ID || got.length !== sent.length || wrong !== -1) {
		throw new Error(
			`session ${autocallId}: script ${body.bot_script_id}, ${got.length} contacts for ${sent.length} sent; first wrong contact: ${wrong} ${JSON.stringify(got[wrong])}`,
		);
	}
}

interface Variant {
	label: string;
	end: CampaignEnd;
	/** The node whose run is measured; none for the split alone. */
	node?: string;
}

const TARGET = 'Start Campaign, variables mapped by expressions';
const VARIANTS: Variant[] = [
	{ label: TARGET, end: 'expressions', node: CAMPAIGN_NODE },
	{ label: 'Start Campaign, variables mapped automatically (only the phone is an expression)', end: 'autoMap', node: CAMPAIGN_NODE },
	{ label: "n8n's Edit Fields node, the same 4 expressions per item", end: 'editFields', node: EDIT_FIELDS_NODE },
	{ label: 'Webhook → Split Out only', end: 'none' },
];

export async function campaignStart({ env, config, results, log }: CaseContext): Promise<void> {
	const all = contacts(config.campaign.contacts);
	const section = `4. Campaign start, ${all.length} contacts`;
	const deployed = new Map<Variant, { id: string; path: string }>();
	for (const variant of VARIANTS) {
		const path = `bench-campaign-${variant.end}`;
		deployed.set(variant, { id: await env.deploy(campaign(path, env.credentials.omiCallApi, variant.end)), path });
		await env.runWebhook(deployed.get(variant)!.id, path, { contacts: all.slice(0, 10) }); // warm-up
	}

	for (let run = 0; run < config.runs; run++) {
		for (const variant of inTurn(VARIANTS, run)) {
			log(`campaign of ${all.length} contacts, run ${run + 1}/${config.runs}: ${variant.label}`);
			const { id, path } = deployed.get(variant)!;
			const { value: execution, samples } = await sampled(env.pid(), () => env.runWebhook(id, path, { contacts: all }));
			results.record(section, 'n8n RSS growth, whole execution', variant.label, 'MB', peakGrowth(samples) / MB);
			if (!variant.node) continue;
			const measured = nodeRun(execution, variant.node);
			const end = measured.startTime + measured.executionTime;
			let sandbox = 0;
			if (variant.node === CAMPAIGN_NODE) {
				verifySession(env, String(measured.items[0]?.autocall_id), all);
				sandbox = sandboxMs(env, measured.startTime, end);
				results.record(section, "the sandbox's time for the node's requests", variant.label, 'ms', sandbox);
			}
			results.record(section, "node's own time (n8n's time for the node − the sandbox's)", variant.label, 'ms', measured.executionTime - sandbox);
			results.record(section, 'n8n CPU while the node ran', variant.label, 'ms', cpuBetween(samples, measured.startTime, end));
			results.record(section, 'n8n RSS growth while the node ran', variant.label, 'MB', peakGrowth(samples, measured.startTime, end) / MB);
		}
	}

	results.check({
		id: '4',
		target: `Campaign of ${all.length} contacts: the node's own time < 1 s (body checked: every contact and variable)`,
		unit: 'ms',
		values: results.values(section, "node's own time (n8n's time for the node − the sandbox's)", TARGET),
		bound: { atMost: 1000 },
	});
	results.check({
		id: '4',
		target: `Campaign of ${all.length} contacts: n8n's RSS grows < 100 MB while the node runs`,
		unit: 'MB',
		values: results.values(section, 'n8n RSS growth while the node ran', TARGET),
		bound: { atMost: 100 },
	});
}
