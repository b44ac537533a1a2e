/**
 * The package in a REAL n8n, as users run it: installed from its npm tarball
 * as a community package, n8n started on 127.0.0.1, credentials and workflows
 * created through n8n's API, workflows run and activated, and the sandbox
 * standing in for OMI and Alovoice. Runs on every version in
 * E2E_N8N_VERSIONS (default "2,1"), one after the other, on the n8n the files share
 * (harness/sharedN8n.ts).
 */

import { createHash } from 'node:crypto';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

import {
	CALL_UNKNOWN_FIELDS,
	ODD_RESULTS,
	type Sandbox,
	UPLOAD_UNKNOWN_FIELDS,
	analysisWithUnknownFields,
	resultItemProblems,
	startSandbox,
	transcriptionWithUnknownFields,
	unknownFieldWarning,
	valuesNotKept,
} from '../../sandbox/server';
import type { N8nVersion } from '../harness/n8nServer';
import { type SharedN8n, sharedN8n } from '../harness/sharedN8n';
import {
	activateWorkflow,
	createSandboxCredentials,
	createWorkflow as create,
	executionsOf,
	outputOf,
	packedTarballs,
	runWebhookWorkflow,
	startCatcher,
	stepsWithDiagnostics,
	submitForm,
	type SlackCatcher,
	until,
} from '../harness/suite';
import {
	ACTION_PATHS,
	type Credentials,
	type WorkflowJson,
	actionWorkflows,
	chain,
	example,
	exampleName,
	omi,
	triggerOnly,
	webhookStart,
} from '../harness/workflows';

const ROOT = resolve(__dirname, '..', '..');
const VERSIONS = (process.env.E2E_N8N_VERSIONS ?? '2,1').split(',').map((v) => v.trim()) as N8nVersion[];
const EXAMPLE_FILES = readdirSync(join(ROOT, 'examples')).filter((name) => name.endsWith('.json'));
const QA_ALERT = exampleName('omi-qa-alert.json');

describe.each(VERSIONS)('n8n %s.x', (version) => {
	let n8n: SharedN8n;
	let sandbox: Sandbox;
	let catcher: SlackCatcher;
	let credentials: Credentials;
	const sandboxLog: string[] = [];
	const workflowIds = new Map<string, string>();

	const step = stepsWithDiagnostics(() => n8n, sandboxLog);

	beforeAll(async () => {
		sandbox = await startSandbox({
			port: 0,
			resultDelayMs: 300,
			webhookRetryMs: 300,
			webhookMaxAttempts: 3,
			alovoiceReadyAfterMs: 1000,
			log: (line) => sandboxLog.push(line),
		});
		catcher = await startCatcher();
		n8n = await sharedN8n(version, packedTarballs);
	});

	afterAll(async () => {
		await n8n?.stop();
		await sandbox?.close();
		await catcher?.close();
	});

	async function createWorkflow(workflow: WorkflowJson): Promise<string> {
		const id = await create(n8n, workflow);
		workflowIds.set(workflow.name, id);
		return id;
	}

	const activate = (id: string) => activateWorkflow(n8n, id);
	const runAction = (path: string, body: unknown) => runWebhookWorkflow(n8n, path, body);
	const executions = (workflowName: string) => executionsOf(n8n, workflowIds.get(workflowName) as string);

	step('registers both packages\' node and credential types and serves their icons', async () => {
		const nodes = await n8n.rest<Array<{ name: string; iconUrl?: { light: string; dark: string } }>>('GET', '/types/nodes.json');
		const credentialTypes = await n8n.rest<Array<{ name: string; iconUrl?: { light: string; dark: string } }>>(
			'GET',
			'/types/credentials.json',
		);
		const iconsOf = (types: Array<{ iconUrl?: { light: string; dark: string } }>) =>
			[...new Set(types.flatMap((type) => (type.iconUrl ? [type.iconUrl.light, type.iconUrl.dark] : [])))].sort();
		const packages = [
			{ name: 'n8n-nodes-omicall', nodes: ['omiAi', 'omiAiTrigger', 'omiCallTrigger'], credential: 'omiCallApi', icons: ['omi.svg', 'omi.dark.svg'] },
			{ name: 'n8n-nodes-alovoice', nodes: ['alovoice'], credential: 'alovoiceApi', icons: ['alovoice.svg', 'alovoice.dark.svg'] },
		];
		for (const pkg of packages) {
			const ours = nodes.body.filter((type) => type.name.startsWith(`${pkg.name}.`));
			const main = pkg.nodes.map((node) => `${pkg.name}.${node}`);
			// n8n also offers each action node to its AI agents, as "<name>Tool".
			expect(ours.map((type) => type.name)).toEqual(expect.arrayContaining(main));
			expect(ours.map((type) => type.name.replace(/Tool$/, '')).every((name) => main.includes(name))).toBe(true);

			const ourCredentials = credentialTypes.body.filter((type) => type.name === pkg.credential);
			expect(ourCredentials).toHaveLength(1);
			const icons = iconsOf(ours);
			expect(iconsOf(ourCredentials)).toEqual(icons);
			expect(icons).toEqual(pkg.icons.map((file) => `icons/${pkg.name}/dist/icons/${file}`).sort());
			for (const icon of icons) {
				const response = await fetch(`${n8n.baseUrl}/${icon}`);
				expect({ icon, status: response.status, type: response.headers.get('content-type') }).toEqual({
					icon,
					status: 200,
					type: expect.stringContaining('image/svg+xml'),
				});
				expect(await response.text()).toContain('<svg');
			}
		}
	});

	step('creates the OMI and Alovoice credentials, pointing at the sandbox', async () => {
		credentials = await createSandboxCredentials(n8n, sandbox);
	});

	step('imports every example and activates it; the QA alert\'s trigger registers its URL with OMI', async () => {
		for (const file of EXAMPLE_FILES) {
			await activate(await createWorkflow(example(file, { credentials, slackUrl: catcher.url, sandboxUrl: sandbox.url })));
		}

		// n8n 2.x finishes an activation in the background.
		const registered = new URL(await until('the trigger to register with OMI', () => sandbox.control.webhook().current ?? undefined));
		expect(registered.origin).toBe(n8n.baseUrl);
		expect(registered.pathname).toMatch(/^\/webhook\/[\w-]+\/omi-ai$/);
		expect(registered.searchParams.get('token')).toMatch(/^[\w-]{43}$/);
	});

	step('activates the action workflows', async () => {
		for (const workflow of actionWorkflows(credentials)) await activate(await createWorkflow(workflow));
	});

	step('transcribes and analyzes a recording that n8n read from disk into its binary store', async () => {
		const recording = join(n8n.filesFolder, 'call-0912.wav');
		const audio = Buffer.from(await (await fetch(`${sandbox.url}/recordings/call-0912.wav?seconds=4`)).arrayBuffer());
		writeFileSync(recording, audio);
		const sha256 = createHash('sha256').update(audio).digest('hex');

		const uploads = [
			{ path: ACTION_PATHS.transcribeFromDisk, trackingId: 'e2e-disk-1', endpoint: 'speech_to_text' },
			{ path: ACTION_PATHS.analyzeFromDisk, trackingId: 'e2e-disk-score-88', endpoint: 'call_analyze' },
		];
		for (const { path, trackingId, endpoint } of uploads) {
			const [item] = await runAction(path, { path: recording, trackingId });

			expect(item).toMatchObject({ trackingId, source: 'binary', fileName: 'call-0912.wav', fileSize: audio.length });
			expect(sandbox.control.uploads().find((upload) => upload.trackingId === trackingId)).toMatchObject({
				endpoint,
				size: audio.length,
				sha256,
			});
		}
	});

	step('transcribes and analyzes calls from a URL the sandbox serves', async () => {
		const uploads = [
			{ path: ACTION_PATHS.transcribeFromUrl, trackingId: 'e2e-url-1', endpoint: 'speech_to_text' },
			{ path: ACTION_PATHS.analyzeFromUrl, trackingId: 'e2e-qa-score-55', endpoint: 'call_analyze' },
			{ path: ACTION_PATHS.analyzeFromUrl, trackingId: 'e2e-qa-score-92', endpoint: 'call_analyze' },
		];
		for (const { path, trackingId, endpoint } of uploads) {
			const url = `${sandbox.url}/recordings/${trackingId}.wav?seconds=2`;
			const served = Buffer.from(await (await fetch(url)).arrayBuffer());

			const [item] = await runAction(path, { url, trackingId });

			expect(item).toMatchObject({ trackingId, source: 'url', fileName: `${trackingId}.wav`, fileSize: 44 + 2 * 16000 });
			expect(sandbox.control.uploads().find((upload) => upload.trackingId === trackingId)).toMatchObject({
				endpoint,
				size: served.length,
				sha256: createHash('sha256').update(served).digest('hex'),
			});
		}
	});

	if (version === '2') {
		step('runs with n8n\'s SSRF protection on: a recording URL outside the allowed 127.0.0.1 is blocked', async () => {
			const url = `${sandbox.url.replace('127.0.0.1', '127.0.0.2')}/recordings/e2e-ssrf.wav`;
			await expect(runAction(ACTION_PATHS.transcribeFromUrl, { url, trackingId: 'e2e-ssrf' })).rejects.toThrow(/HTTP 500/);

			const [failed] = await executions('e2e: transcribe a recording from a URL');
			expect(failed.status).toBe('error');
			expect(failed.data?.resultData.error?.message).toBe(
				'Could not download the recording of item 0: The request was blocked because it resolves to a restricted IP address [item 0]',
			);
			expect(sandbox.control.uploads().find((upload) => upload.trackingId === 'e2e-ssrf')).toBeUndefined();
		});
	}

	step('lists the callBot scripts', async () => {
		const scripts = await runAction(ACTION_PATHS.scripts, {});
		expect(scripts.length).toBeGreaterThan(1);
		expect(scripts).toEqual(expect.arrayContaining([expect.objectContaining({ id: '66f1a2b3c4d5e6f708192a3b' })]));
	});

	step('starts a campaign from three contacts with mapped variables, counts its calls and reads its logs', async () => {
		const contacts = [
			{ phone: '+84 912 345 678', name: 'Nguyễn Văn An', debt: '5.000.000' },
			{ phone: '0987.654.321', name: 'Trần Thị Bình', debt: '12.500.000' },
			{ phone: '0903 111 222', name: 'Lê Văn Cường', debt: '800.000' },
		];

		const logs = await runAction(ACTION_PATHS.campaign, { contacts });

		const [session] = sandbox.control.sessions();
		expect(session.body).toMatchObject({
			bot_script_id: '66f1a2b3c4d5e6f708192a3b',
			contact_info: [
				{ phone: '0912345678', mapping_variables: { customer_name: 'Nguyễn Văn An', debt_amount: '5.000.000' } },
				{ phone: '0987654321', mapping_variables: { customer_name: 'Trần Thị Bình', debt_amount: '12.500.000' } },
				{ phone: '0903111222', mapping_variables: { customer_name: 'Lê Văn Cường', debt_amount: '800.000' } },
			],
		});
		const [execution] = await executions('e2e: start a campaign, count its calls and read its logs');
		expect(outputOf(execution, 'Start Campaign')).toEqual([
			expect.objectContaining({ autocall_id: session.autocallId, contactsSent: 3, errors: [] }),
		]);
		expect(outputOf(execution, 'Count Calls')).toEqual([{ autocallId: session.autocallId, count: 3 }]);
		expect(logs).toHaveLength(5);
		expect(logs.every((entry) => entry.ref_uuid === session.autocallId)).toBe(true);
	});

	step('runs Alovoice Analyze and Wait until the result is ready', async () => {
		const [result] = await runAction(ACTION_PATHS.alovoice, { callId: 'call-1001' });
		expect(result).toMatchObject({ callId: 'call-1001', text: expect.any(String) });
		expect(result.text.length).toBeGreaterThan(0);
	});

	step('OMI posts the results to the trigger: the low score alerts Slack, the high ones do not', async () => {
		const analyses = ['e2e-disk-score-88', 'e2e-qa-score-55', 'e2e-qa-score-92'];
		const triggered = await until('three trigger executions of the QA alert', async () => {
			const list = (await executions(QA_ALERT)).filter((execution) => execution.status === 'success');
			return list.length >= analyses.length ? list : undefined;
		});

		const items = triggered.map((execution) => outputOf(execution, 'OMI AI Trigger')[0]);
		expect(items.map((item) => item.trackingId).sort()).toEqual(analyses);
		for (const item of items) {
			expect(item).toMatchObject({ event: 'callAnalysisCompleted', qa: { staffScore: Number(/\d+$/.exec(item.trackingId)?.[0]) } });
		}
		await until('the Slack alert', () => (catcher.received.length > 0 ? true : undefined));
		expect(catcher.received).toEqual([{ text: expect.stringContaining('call e2e-qa-score-55 scored 55/100') }]);
		// The transcriptions went to the same URL, and the trigger, set to analyses only, let them pass with 200.
		for (const trackingId of ['e2e-disk-1', 'e2e-url-1']) {
			const transcript = await until(`the transcript of ${trackingId}`, () =>
				sandbox.control.deliveries().find((delivery) => delivery.trackingId === trackingId),
			);
			expect(transcript).toMatchObject({ delivered: true, lastStatus: 200 });
		}
	});

	step('the example forms, submitted as the user finds them, upload, start the campaign and alert', async () => {
		catcher.received.length = 0;
		const sessionsBefore = sandbox.control.sessions().length;

		const analyze = await submitForm(`${n8n.baseUrl}/form/omi-analyze-call`);
		expect(analyze.status).toBe(200);
		expect(sandbox.control.uploads().find((upload) => upload.trackingId === 'crm-call-0912-score-55')).toMatchObject({
			endpoint: 'call_analyze',
			fileName: 'call-0912.wav',
		});
		const alerted = await until('the QA alert of the form\'s call', async () =>
			(await executions(QA_ALERT)).find(
				(execution) =>
					execution.status === 'success' && outputOf(execution, 'OMI AI Trigger')[0]?.trackingId === 'crm-call-0912-score-55',
			),
		);
		expect(outputOf(alerted, 'Alert Slack')).toHaveLength(1);

		const campaign = await submitForm(`${n8n.baseUrl}/form/omi-transcribe-and-campaign`);
		expect(campaign.status).toBe(200);
		const sessions = sandbox.control.sessions().slice(sessionsBefore);
		expect(sessions).toHaveLength(1);
		expect(sessions[0].body).toMatchObject({
			contact_info: [
				{ phone: '0912345678', ext_contact_code: 'C-1001', mapping_variables: { customer_name: 'Nguyễn Văn An' } },
				{ phone: '0987654321', ext_contact_code: 'C-1002', mapping_variables: { debt_amount: '12.500.000' } },
				{ phone: '0903111222', ext_contact_code: 'C-1003', mapping_variables: { debt_amount: '800.000' } },
			],
		});
		const transcribed = await until('the campaign form\'s execution', async () =>
			(await executions(exampleName('omi-transcribe-and-campaign.json'))).find((execution) => execution.status === 'success'),
		);
		expect(outputOf(transcribed, 'Transcribe recording')).toEqual([
			expect.objectContaining({ operation: 'transcribe', source: 'url', trackingId: `form-${transcribed.id}` }),
		]);

		const greeting = await submitForm(`${n8n.baseUrl}/form/alovoice-greeting-check`);
		expect(greeting.status).toBe(200);
		await until('both alerts at the Slack stand-in', () => (catcher.received.length >= 2 ? true : undefined), 60_000);
		expect(catcher.received.map((message) => message.text).sort()).toEqual([
			expect.stringMatching(/^Call call-1002: the agent did not greet the customer/),
			expect.stringContaining('call crm-call-0912-score-55 scored 55/100'),
		]);
	});

	step('starts one execution for a result OMI delivers three times', async () => {
		const before = (await executions(QA_ALERT)).length;

		const first = await sandbox.control.deliver('analysis', 'e2e-twice-score-80');
		const after = await until('the execution of the first delivery', async () => {
			const list = (await executions(QA_ALERT)).filter((execution) => execution.status === 'success');
			return list.length > before ? list : undefined;
		});
		const again = [];
		for (let attempt = 0; attempt < 2; attempt++) again.push(await sandbox.control.deliver('analysis', 'e2e-twice-score-80'));

		expect([first, ...again].map((answer) => answer.lastStatus)).toEqual([200, 200, 200]);
		// Later deliveries would have started their executions by now.
		await new Promise((done) => setTimeout(done, 1000));
		expect(await executions(QA_ALERT)).toHaveLength(after.length);
		expect(after).toHaveLength(before + 1);
	});

	step('refuses a delivery without the token, starting nothing', async () => {
		const registered = new URL(sandbox.control.webhook().current as string);
		registered.searchParams.delete('token');
		const before = (await executions(QA_ALERT)).length;

		const delivery = await sandbox.control.deliver('analysis', 'e2e-no-token-score-10', registered.toString());

		expect(delivery).toMatchObject({ delivered: false, lastStatus: 401 });
		expect(await executions(QA_ALERT)).toHaveLength(before);
	});

	step('once deactivated, a post to the old URL starts nothing', async () => {
		const before = (await executions(QA_ALERT)).length;
		const deactivated = await n8n.api('POST', `/workflows/${workflowIds.get(QA_ALERT)}/deactivate`);
		expect(deactivated.status).toBe(200);
		// Probed without the token, which an active trigger answers with 401 and no execution.
		const registered = new URL(sandbox.control.webhook().current as string);
		registered.searchParams.delete('token');
		await until('n8n to stop serving the trigger URL', async () => {
			const answer = await fetch(registered, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
			return answer.status === 404 ? true : undefined;
		});

		const delivery = await sandbox.control.deliver('analysis', 'e2e-after-deactivation-score-10');

		expect(delivery).toMatchObject({ delivered: false, lastStatus: 404 });
		expect(await executions(QA_ALERT)).toHaveLength(before);
		expect(n8n.logTail(200)).toMatch(/OMI AI Trigger: OMI has no way to remove a webhook URL/);
	});

	// After the QA alert's steps: activating this trigger takes OMI's one result URL.
	step('a result in shapes the trigger cannot read keeps the body in raw and says what was not read, Include Raw Payload off', async () => {
		const name = 'e2e odd result shapes';
		const before = sandbox.control.webhook().current;
		await activate(await createWorkflow(triggerOnly(name, ['callAnalysisCompleted', 'transcriptionCompleted'], credentials)));
		const registered = await until('the new trigger to register its URL', () => {
			const current = sandbox.control.webhook().current;
			return current !== before ? (current ?? undefined) : undefined;
		});
		const bodies = ODD_RESULTS.map((odd, index) => odd.body(`e2e-odd-${index}`));

		const post = (body: unknown) =>
			fetch(registered, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
		// n8n 2.x can answer 404 for a moment after activation; a 404 starts nothing, so the first result is sent again.
		await until('n8n to serve the new trigger URL', async () => ((await post(bodies[0])).status === 200 ? true : undefined));
		for (const body of bodies.slice(1)) expect((await post(body)).status).toBe(200);

		const items = await until(`${bodies.length} executions of the odd results`, async () => {
			const list = (await executions(name)).filter((execution) => execution.status === 'success');
			return list.length >= bodies.length ? list.map((execution) => outputOf(execution, 'OMI AI Trigger')[0]) : undefined;
		});
		expect(items).toHaveLength(bodies.length);
		for (const [index, odd] of ODD_RESULTS.entries()) {
			const item = items.find((candidate) => JSON.stringify(candidate.raw) === JSON.stringify(bodies[index]));
			expect({ case: index, item }).toMatchObject({ case: index, item: { warnings: [expect.stringMatching(odd.warning), ...(odd.unknown ?? []).map((field) => unknownFieldWarning(field))] } });
			expect(item).not.toHaveProperty('headers');
		}
	});

	step('a result with unknown fields keeps every value: known ones in the simplified fields, unknown ones in otherFields, each named in warnings', async () => {
		const name = 'e2e odd result shapes';
		const registered = sandbox.control.webhook().current as string;
		const before = (await executions(name)).length;
		const results = [analysisWithUnknownFields('e2e-unknown-a'), transcriptionWithUnknownFields('e2e-unknown-t')];
		for (const { body } of results) {
			const answer = await fetch(registered, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
			expect(answer.status).toBe(200);
		}

		const items = await until('the executions of the results with unknown fields', async () => {
			const list = (await executions(name)).filter((execution) => execution.status === 'success');
			return list.length >= before + results.length ? list.map((execution) => outputOf(execution, 'OMI AI Trigger')[0]) : undefined;
		});
		expect(resultItemProblems(results, items)).toEqual([]);
	});

	step('an upload answer and a call record with unknown fields keep every value, each unknown field named in warnings', async () => {
		sandbox.control.addFault({ path: '/api/ai/speech_to_text', fault: { type: 'add-fields', fields: UPLOAD_UNKNOWN_FIELDS.fields } });
		const trackingId = 'e2e-unknown-upload';
		const [upload] = await runAction(ACTION_PATHS.transcribeFromUrl, { url: `${sandbox.url}/recordings/${trackingId}.wav?seconds=1`, trackingId });
		const answer = { status_code: 9999, message: 'success', payload: { tracking_id: trackingId, status: 'PROCESSING' } };
		const sent = { ...answer, request_id: 'req-42', payload: { ...answer.payload, job_id: 'job-9', queue: { position: 3, eta_seconds: 40 } } };
		expect(valuesNotKept(sent, upload, UPLOAD_UNKNOWN_FIELDS.unknown, (path) => ['omiAnswer', ...path], 'omiAnswer')).toEqual([]);
		expect([...(upload.warnings as string[])].sort()).toEqual(UPLOAD_UNKNOWN_FIELDS.unknown.map((field) => unknownFieldWarning(field, 'omiAnswer')).sort());

		const path = 'e2e-call-get';
		const getCall = { resource: 'call', operation: 'get', callId: '={{ $json.body.callId }}', simplify: '={{ $json.body.simplify }}' };
		await activate(await createWorkflow(chain('e2e: get a call', [webhookStart(path), omi('Get Call', getCall, credentials)])));
		const [call] = sandbox.control.addCalls([{ extraFields: CALL_UNKNOWN_FIELDS.extraFields }]);
		const [record] = await runAction(path, { callId: call.id, simplify: false });
		const [item] = await runAction(path, { callId: call.id, simplify: true });
		expect(record).toMatchObject({ call_uuid: 'c-7b1f0c2e', customer: { email: 'khach@example.vn' } });
		expect(valuesNotKept(record, item, CALL_UNKNOWN_FIELDS.unknown, CALL_UNKNOWN_FIELDS.placeOf)).toEqual([]);
		expect([...(item.warnings as string[])].sort()).toEqual(CALL_UNKNOWN_FIELDS.unknown.map((field) => unknownFieldWarning(field)).sort());
	});
});
