import { randomUUID } from 'node:crypto';

import type { IDataObject, INodeCredentialsDetails, INodeParameters } from 'n8n-workflow';

import type { WorkflowJson } from './harness/engine';
import { OMI_NODE_TYPE, omiWorkflow } from './harness/engine';
import { TEST_ITEMS_TYPE, TEST_LOOP_TYPE } from './harness/nodeTypes';
import { n8nWithOmiCredential, useSandbox } from './harness/sandbox';

/** "Nhắc nợ khoản vay tiêu dùng" in the sandbox: variables customer_name, debt_amount, due_date, xung_ho. */
const SCRIPT_ID = '66f1a2b3c4d5e6f708192a3b';
const DNC_PHONE = '0900000001';
const EXECUTE_PATH = '/api/call_bot/execute_by_phone';
const LOGS_PATH = '/api/call_bot/analyzed_log/list';

/** The resource mapper's value as the editor saves it after the user maps some variables. */
function mappedVariables(value: Record<string, string>) {
	return {
		mappingMode: 'defineBelow',
		value,
		matchingColumns: [],
		schema: Object.keys(value).map((id) => ({
			id,
			displayName: id,
			type: 'string',
			required: false,
			defaultMatch: false,
			canBeUsedToMatch: false,
			display: true,
		})),
		attemptToConvertTypes: false,
		convertFieldsToString: true,
	};
}

const startParameters = (extra: INodeParameters = {}): INodeParameters => ({
	resource: 'callbotSession',
	operation: 'start',
	scriptId: { __rl: true, mode: 'list', value: SCRIPT_ID },
	variables: mappedVariables({ customer_name: '={{ $json.name }}' }),
	...extra,
});

const customers = [
	{ phone: '+84 912 345 678', name: 'Nguyễn Văn An', debt: '5.000.000', email: 'an@example.com', crmId: 'crm-1' },
	{ phone: '0987.654.321', name: 'Trần Thị Bình', debt: '12.500.000', email: 'binh@example.com', crmId: 'crm-2' },
	{ phone: '(090) 123-4567', name: 'Lê Hoàng Cường', debt: '800.000', crmId: 'crm-3' },
];

/** Start, then Loop Over Items in batches of `batchSize`, each batch a campaign started by the OMI AI node. */
function campaignPerBatch(
	items: IDataObject[],
	batchSize: number,
	credential: INodeCredentialsDetails,
	nodeSettings: IDataObject = {},
): WorkflowJson {
	const node = (name: string, type: string, parameters: INodeParameters, extra: IDataObject = {}) => ({
		id: randomUUID(),
		name,
		type,
		typeVersion: 1,
		position: [0, 0] as [number, number],
		parameters,
		...extra,
	});
	return {
		nodes: [
			node('Start', TEST_ITEMS_TYPE, { items: JSON.stringify(items) }),
			node('Loop Over Items', TEST_LOOP_TYPE, { batchSize }),
			node('OMI AI', OMI_NODE_TYPE, startParameters(), { credentials: { omiCallApi: credential }, ...nodeSettings }),
		],
		connections: {
			Start: { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
			'Loop Over Items': { main: [[], [{ node: 'OMI AI', type: 'main', index: 0 }]] },
			'OMI AI': { main: [[{ node: 'Loop Over Items', type: 'main', index: 0 }]] },
		},
		settings: { executionOrder: 'v1' },
	};
}

describe('OMI AI › Callbot Session', () => {
	const sandbox = useSandbox({ dncPhones: [DNC_PHONE] });

	const setUp = () => n8nWithOmiCredential(sandbox());
	const requestsTo = (path: string) => sandbox().control.requests().filter((request) => request.path === path);

	describe('Start', () => {
		it('starts one session for all items, with mapped variables, cid in query and body, and Send At in epoch ms', async () => {
			const { n8n, credential } = setUp();
			const parameters = startParameters({
				voice: 'southern_female_honganh',
				speed: 1,
				callingNumber: '02873001234',
				sessionName: 'Nhắc nợ tháng 1',
				email: '={{ $json.email }}',
				externalContactCode: '={{ $json.crmId }}',
				variables: mappedVariables({ customer_name: '={{ $json.name }}', debt_amount: '={{ $json.debt }}' }),
				options: {
					retries: 2,
					callsPerBatch: 10,
					delayBetweenBatches: 60,
					delayBetweenRetries: 300,
					sendAt: '2026-01-31T09:00:00+07:00',
				},
			});

			const result = await n8n.run(omiWorkflow(customers, parameters, credential), 'exec-start-1');

			expect(result.error).toBeUndefined();
			const [session] = sandbox().control.sessions();
			expect(sandbox().control.sessions()).toHaveLength(1);
			expect(session.cidQuery).toBe('02873001234');
			expect(session.body).toEqual({
				contact_info: [
					{
						phone: '0912345678',
						email: 'an@example.com',
						ext_contact_code: 'crm-1',
						mapping_variables: { customer_name: 'Nguyễn Văn An', debt_amount: '5.000.000' },
					},
					{
						phone: '0987654321',
						email: 'binh@example.com',
						ext_contact_code: 'crm-2',
						mapping_variables: { customer_name: 'Trần Thị Bình', debt_amount: '12.500.000' },
					},
					{
						phone: '0901234567',
						ext_contact_code: 'crm-3',
						mapping_variables: { customer_name: 'Lê Hoàng Cường', debt_amount: '800.000' },
					},
				],
				bot_script_id: SCRIPT_ID,
				name: 'Nhắc nợ tháng 1',
				voice: 'southern_female_honganh',
				speed: 1,
				cid: '02873001234',
				num_retry: 2,
				num_per_call: 10,
				distance_per_call: 60,
				distance_retry: 300,
				send_time: Date.UTC(2026, 0, 31, 2, 0),
				ext_session_id: 'n8n-exec-start-1-OMI AI',
			});
			expect(result.output('OMI AI')).toEqual([
				{
					json: {
						autocall_id: session.autocallId,
						bot_script_id: SCRIPT_ID,
						ext_session_id: 'n8n-exec-start-1-OMI AI',
						contactsSent: 3,
						errors: [],
						omiAnswer: expect.objectContaining({ status_code: 9999, payload: { autocall_id: session.autocallId, bot_script_id: SCRIPT_ID, errors: [] } }),
					},
					pairedItem: [{ item: 0 }, { item: 1 }, { item: 2 }],
				},
			]);
		});

		it.each([
			['Asia/Ho_Chi_Minh', '2026-01-31T09:00:00', Date.UTC(2026, 0, 31, 2, 0)],
			['Asia/Ho_Chi_Minh', '2026-01-31', Date.UTC(2026, 0, 30, 17, 0)],
			['Europe/Berlin', '2026-07-01T09:00:00', Date.UTC(2026, 6, 1, 7, 0)],
			// The first hour of summer time in Berlin.
			['Europe/Berlin', '2026-03-29T03:30:00', Date.UTC(2026, 2, 29, 1, 30)],
			['Europe/Berlin', '2026-01-31T09:00:00Z', Date.UTC(2026, 0, 31, 9, 0)],
		])('reads Send At in the workflow time zone %s: %s', async (timezone, sendAt, expected) => {
			const { n8n, credential } = setUp();
			const workflow = omiWorkflow(customers.slice(0, 1), startParameters({ options: { sendAt } }), credential);

			const result = await n8n.run({ ...workflow, settings: { timezone } });

			expect(result.error).toBeUndefined();
			expect(sandbox().control.sessions()[0].body).toMatchObject({ send_time: expected });
		});

		it('says which Send At is not a date', async () => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(
				omiWorkflow(customers.slice(0, 1), startParameters({ options: { sendAt: 'next Monday' } }), credential),
			);

			expect(result.error?.message).toBe('Send At "next Monday" is not a date and time [item 0]');
			expect(requestsTo(EXECUTE_PATH)).toHaveLength(0);
		});

		it('names the first and the last item of a large session in its error', async () => {
			const { n8n, credential } = setUp();
			const many = Array.from({ length: 6 }, (_, index) => ({ ...customers[index % 3], crmId: `crm-${index}` }));

			const result = await n8n.run(omiWorkflow(many, startParameters({ options: { sendAt: 'next Monday' } }), credential));

			expect(result.error?.message).toBe('Send At "next Monday" is not a date and time [items 0 to 5, 6 in all]');
		});

		it("keeps OMI's whole answer, so that a field nobody expected reaches the workflow", async () => {
			const { n8n, credential } = setUp();
			sandbox().control.addFault({
				path: EXECUTE_PATH,
				fault: { type: 'reshape', move: { 'payload.errors': 'payload.rejected.errors', instance_id: 'request_id' } },
			});

			const result = await n8n.run(omiWorkflow(customers.slice(0, 1), startParameters(), credential));

			expect(result.error).toBeUndefined();
			expect(result.output('OMI AI')[0].json.omiAnswer).toMatchObject({
				status_code: 9999,
				request_id: 'sandbox',
				payload: { autocall_id: expect.any(String), rejected: { errors: [] } },
			});
		});

		it("links OMI's error for a DNC number to the item it came from", async () => {
			const { n8n, credential } = setUp();
			const items = [customers[0], { phone: '+84 900 000 001', name: 'Không gọi' }, customers[1]];

			const result = await n8n.run(omiWorkflow(items, startParameters(), credential));

			expect(result.error).toBeUndefined();
			const [summary] = result.output('OMI AI');
			expect(summary.json).toMatchObject({
				contactsSent: 3,
				errors: [{ phone: DNC_PHONE, error_code: 'number_dnc', message: 'Number DNC', itemIndex: 1 }],
			});
			expect(sandbox().control.sessions()[0].acceptedPhones).toEqual(['0912345678', '0987654321']);
		});

		it('rejects an invalid phone before sending, naming the item', async () => {
			const { n8n, credential } = setUp();
			const items = [customers[0], { phone: '12345', name: 'Sai số' }, customers[1]];

			const result = await n8n.run(omiWorkflow(items, startParameters(), credential));

			expect(result.error?.message).toBe('The phone number "12345" is not valid [item 1]');
			expect(result.error?.description).toContain('0 followed by 8 to 10 digits');
			expect(requestsTo(EXECUTE_PATH)).toHaveLength(0);
		});

		it('with Continue On Fail, starts the session with the valid contacts and reports the invalid one as its item', async () => {
			const { n8n, credential } = setUp();
			const items = [customers[0], { phone: '12345', name: 'Sai số' }, customers[1]];

			const result = await n8n.run(
				omiWorkflow(items, startParameters(), credential, { onError: 'continueRegularOutput' }),
			);

			const [session] = sandbox().control.sessions();
			expect((session.body.contact_info as IDataObject[]).map((contact) => contact.phone)).toEqual([
				'0912345678',
				'0987654321',
			]);
			expect(result.output('OMI AI')).toEqual([
				{
					json: expect.objectContaining({ autocall_id: session.autocallId, contactsSent: 2, errors: [] }),
					pairedItem: [{ item: 0 }, { item: 2 }],
				},
				{
					json: expect.objectContaining({ error: 'The phone number "12345" is not valid [item 1]' }),
					pairedItem: { item: 1 },
				},
			]);
		});

		it("reads the item's phone field while Phone is left empty, and says which item has none", async () => {
			const { n8n, credential } = setUp();
			expect(startParameters().phone).toBeUndefined();

			const result = await n8n.run(omiWorkflow([customers[0], { mobile: '0912345678', name: 'Không có số' }], startParameters(), credential));

			expect(result.error?.message).toBe('No phone number [item 1]');
			expect(result.error?.description).toContain('Give the input item a phone field');
			expect(requestsTo(EXECUTE_PATH)).toHaveLength(0);
		});

		it('starts one session per item in that mode, each with its own external session ID', async () => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(
				omiWorkflow(customers.slice(0, 2), startParameters({ mode: 'eachItem' }), credential),
				'exec-per-item',
			);

			expect(result.error).toBeUndefined();
			const sessions = sandbox().control.sessions();
			expect(sessions.map((session) => (session.body.contact_info as IDataObject[]).length)).toEqual([1, 1]);
			expect(sessions.map((session) => session.body.ext_session_id)).toEqual([
				'n8n-exec-per-item-OMI AI-0',
				'n8n-exec-per-item-OMI AI-1',
			]);
			expect(result.output('OMI AI')).toEqual(
				sessions.map((session, itemIndex) => ({
					json: expect.objectContaining({ autocall_id: session.autocallId, contactsSent: 1 }),
					pairedItem: { item: itemIndex },
				})),
			);
		});

		it('does not start a second session when the same execution runs again', async () => {
			const { n8n, credential } = setUp();
			const workflow = omiWorkflow(customers, startParameters(), credential);

			const first = await n8n.run(workflow, 'exec-retried');
			const second = await n8n.run(workflow, 'exec-retried');

			expect(first.error).toBeUndefined();
			expect(second.error?.message).toBe(
				'This campaign was already started: OMI already has a session with External Session ID "n8n-exec-retried-OMI AI" [items 0, 1, 2]',
			);
			expect(second.error?.description).toContain('set Options › External Session ID to a new value');
			expect(sandbox().control.sessions()).toHaveLength(1);
		});

		it('with Continue On Fail, a refused session becomes one error item linked to all its contacts', async () => {
			const { n8n, credential } = setUp();
			const parameters = startParameters({ scriptId: { __rl: true, mode: 'id', value: 'no-such-script' } });

			const result = await n8n.run(omiWorkflow(customers, parameters, credential, { onError: 'continueRegularOutput' }));

			expect(result.output('OMI AI')).toEqual([
				{
					json: expect.objectContaining({ error: 'OMI answered: resource_not_found [items 0, 1, 2]' }),
					pairedItem: [{ item: 0 }, { item: 1 }, { item: 2 }],
				},
			]);
		});

		it('with Map Automatically, takes the variables from input fields named like their codes', async () => {
			const { n8n, credential } = setUp();
			const variables = { ...mappedVariables({ customer_name: '', due_date: '' }), mappingMode: 'autoMapInputData', value: null };
			const items = [{ phone: '0912345678', customer_name: 'Nguyễn Văn An', due_date: '31/01/2026', note: 'not a variable' }];

			const result = await n8n.run(omiWorkflow(items, startParameters({ variables }), credential));

			expect(result.error).toBeUndefined();
			expect((sandbox().control.sessions()[0].body.contact_info as IDataObject[])[0].mapping_variables).toEqual({
				customer_name: 'Nguyễn Văn An',
				due_date: '31/01/2026',
			});
		});

		describe('inside Loop Over Items', () => {
			const contacts = ['0912000001', '0912000002', '0912000003', '0912000004', '0912000005', '0912000006'].map(
				(phone, index) => ({ phone, name: `Khách ${index + 1}` }),
			);
			const phonesOf = (session: { body: Record<string, unknown> }) =>
				(session.body.contact_info as IDataObject[]).map((contact) => contact.phone);
			/** Three sessions of two contacts, in order, the n-th run's ID ending in -run<n> from the second on. */
			const expectOneSessionPerBatch = (executionId: string) => {
				const sessions = sandbox().control.sessions();
				expect(sessions.map(phonesOf)).toEqual([
					['0912000001', '0912000002'],
					['0912000003', '0912000004'],
					['0912000005', '0912000006'],
				]);
				expect(sessions.map((session) => session.body.ext_session_id)).toEqual([
					`n8n-${executionId}-OMI AI`,
					`n8n-${executionId}-OMI AI-run1`,
					`n8n-${executionId}-OMI AI-run2`,
				]);
			};

			it('starts one session per batch, each with its own default External Session ID', async () => {
				const { n8n, credential } = setUp();

				const result = await n8n.run(campaignPerBatch(contacts, 2, credential), 'exec-loop');

				expect(result.error).toBeUndefined();
				const sessions = sandbox().control.sessions();
				expectOneSessionPerBatch('exec-loop');
				const runs = result.run.data.resultData.runData['OMI AI'];
				expect(runs.map((run) => run.data?.main?.[0]?.[0]?.json.ext_session_id)).toEqual(
					sessions.map((session) => session.body.ext_session_id),
				);
			});

			it('keeps the ID of a run when Retry On Fail repeats it, so a batch is started once', async () => {
				const { n8n, credential } = setUp();
				// The second batch's first attempt is refused before OMI records it.
				sandbox().control.addFault({ path: EXECUTE_PATH, skip: 1, fault: { type: 'http', status: 502 } });

				const result = await n8n.run(
					campaignPerBatch(contacts, 2, credential, { retryOnFail: true, maxTries: 2, waitBetweenTries: 0 }),
					'exec-loop-retry',
				);

				expect(result.error).toBeUndefined();
				expect(sandbox().control.faults()[0].applied).toBe(1);
				expectOneSessionPerBatch('exec-loop-retry');
			});

			it('gives each item of each run its own ID in One Session per Item mode', async () => {
				const { n8n, credential } = setUp();
				const workflow = campaignPerBatch(contacts.slice(0, 4), 2, credential);
				workflow.nodes[2].parameters.mode = 'eachItem';

				const result = await n8n.run(workflow, 'exec-loop-each');

				expect(result.error).toBeUndefined();
				expect(sandbox().control.sessions().map((session) => session.body.ext_session_id)).toEqual([
					'n8n-exec-loop-each-OMI AI-0',
					'n8n-exec-loop-each-OMI AI-1',
					'n8n-exec-loop-each-OMI AI-run1-0',
					'n8n-exec-loop-each-OMI AI-run1-1',
				]);
			});
		});

		describe('Send At from an expression', () => {
			const sendTimeOf = async (sendAt: string) => {
				const { n8n, credential } = setUp();
				const result = await n8n.run(omiWorkflow([customers[0]], startParameters({ options: { sendAt } }), credential));
				return { error: result.error, sendTime: sandbox().control.sessions()[0]?.body.send_time };
			};
			const nineInHanoi = Date.UTC(2026, 0, 31, 2, 0);

			it.each([
				['epoch milliseconds', `={{ ${nineInHanoi} }}`],
				['a Luxon DateTime', "={{ DateTime.fromISO('2026-01-31T09:00:00', { zone: 'Asia/Ho_Chi_Minh' }) }}"],
				['a JavaScript Date', "={{ new Date('2026-01-31T02:00:00Z') }}"],
			])('takes %s', async (_kind, sendAt) => {
				const { error, sendTime } = await sendTimeOf(sendAt);

				expect(error).toBeUndefined();
				expect(sendTime).toBe(nineInHanoi);
			});

			it.each([
				['an object', '={{ { at: 1 } }}'],
				['true', '={{ true }}'],
				['a number that is not a time', '={{ Infinity }}'],
			])('refuses %s, naming the item', async (_kind, sendAt) => {
				const { error, sendTime } = await sendTimeOf(sendAt);

				expect(error?.message).toMatch(/^Send At .* is not a date and time \[item 0\]$/);
				expect(sendTime).toBeUndefined();
			});
		});

		describe('a field mapped to an object or a list', () => {
			const refusalOf = async (parameters: INodeParameters, items: IDataObject[]) => {
				const { n8n, credential } = setUp();
				const result = await n8n.run(omiWorkflow(items, startParameters(parameters), credential));
				return { message: result.error?.message, sessions: sandbox().control.sessions().length };
			};
			const items = [
				{ phone: '0912345678', name: 'An', email: 'an@example.com', due: '31/01', contact: '0912345678' },
				{ phone: '0987654321', name: 'Bình', email: { work: 'binh@example.com' }, due: ['31', '01'], contact: { mobile: '0987654321' } },
			];

			it.each([
				['Email', { email: '={{ $json.email }}' }],
				['Email', { email: '={{ ($json.email) }}' }],
				['Script variable "due_date"', { variables: mappedVariables({ due_date: '={{ $json.due }}' }) }],
				['Phone', { phone: '={{ $json.contact }}' }],
			])('is refused with an error that names %s and the item, and nothing is started', async (field, parameters) => {
				const { message, sessions } = await refusalOf(parameters, items);

				expect(message).toContain(`${field} of item 1 is`);
				expect(message).toMatch(/not text, a number or true\/false/);
				expect(sessions).toBe(0);
			});
		});

		describe('fields dragged from the input ({{ $json.field }}), which the node reads without the expression engine', () => {
			// The same mappings, once as the editor writes a dragged field and once wrapped so that only
			// n8n's expression engine can read them: the bodies must be the same.
			const mappings = {
				phone: '{{ $json.phone }}',
				email: '{{ $json.contact.email }}',
				externalContactCode: '{{ $json["crm id"] }}',
				customer_name: "{{ $json['full name'] }}",
				debt_amount: '{{ $json.debt }}',
				due_date: '{{ $json.due.date }}',
			};
			const asEditorWrites = (mapping: string) => `=${mapping}`;
			const onlyN8nReads = (mapping: string) => `=${mapping.replace(/^\{\{ (.*) \}\}$/, '{{ ($1) }}')}`;
			const parametersFor = (write: (mapping: string) => string, externalSessionId: string) =>
				startParameters({
					phone: write(mappings.phone),
					email: write(mappings.email),
					externalContactCode: write(mappings.externalContactCode),
					variables: mappedVariables({
						customer_name: write(mappings.customer_name),
						debt_amount: write(mappings.debt_amount),
						due_date: write(mappings.due_date),
						// A fixed value and a field inside text are not plain field references.
						xung_ho: '=anh {{ $json["full name"] }}',
					}),
					options: { externalSessionId },
				});
			const sessionOf = async (items: IDataObject[], write: (mapping: string) => string, name: string) => {
				const { n8n, credential } = setUp();
				const result = await n8n.run(omiWorkflow(items, parametersFor(write, name), credential));
				const session = sandbox()
					.control.sessions()
					.find((started) => started.body.ext_session_id === name);
				return { error: result.error?.message, contacts: session?.body.contact_info };
			};

			it('sends what the expression engine would, whatever the values are', async () => {
				const items: IDataObject[] = [
					{ phone: 84912345678, contact: { email: 'an@example.com' }, 'crm id': 17, 'full name': 'An', debt: 5000000.5, due: { date: true } },
					{ phone: '0987 654 321', contact: {}, 'crm id': '', 'full name': null, debt: 0, due: { date: false } },
					{ phone: ' (090) 123-4567 ', contact: { email: ' ' }, 'full name': 'Cường', due: {} },
				];

				const direct = await sessionOf(items, asEditorWrites, 'direct');
				const evaluated = await sessionOf(items, onlyN8nReads, 'evaluated');

				expect(direct.error).toBeUndefined();
				expect(direct.contacts).toEqual(evaluated.contacts);
				expect(direct.contacts).toEqual([
					{
						phone: '0912345678',
						email: 'an@example.com',
						ext_contact_code: '17',
						mapping_variables: { customer_name: 'An', debt_amount: '5000000.5', due_date: 'true', xung_ho: 'anh An' },
					},
					{ phone: '0987654321', mapping_variables: { debt_amount: '0', due_date: 'false', xung_ho: 'anh ' } },
					{ phone: '0901234567', mapping_variables: { customer_name: 'Cường', xung_ho: 'anh Cường' } },
				]);
			});

			it('reads past a missing field as the expression engine does', async () => {
				const items: IDataObject[] = [{ phone: '0912345678', 'full name': 'An', due: { date: '31/01' } }];

				const direct = await sessionOf(items, asEditorWrites, 'direct-missing');
				const evaluated = await sessionOf(items, onlyN8nReads, 'evaluated-missing');

				expect(direct).toEqual(evaluated);
				expect(direct.contacts).toEqual([
					{ phone: '0912345678', mapping_variables: { customer_name: 'An', due_date: '31/01', xung_ho: 'anh An' } },
				]);
			});
		});

		it("loads the mapper's fields from the chosen script's variables", async () => {
			const { n8n, credential } = setUp();
			const node = omiWorkflow([{}], startParameters(), credential).nodes[1];

			const { fields } = await n8n.resourceMapping(node, 'getScriptVariables', 'parameters.variables');

			expect(fields.map(({ id, displayName }) => ({ id, displayName }))).toEqual([
				{ id: 'customer_name', displayName: 'Tên khách hàng' },
				{ id: 'debt_amount', displayName: 'Số tiền nợ' },
				{ id: 'due_date', displayName: 'Ngày đến hạn' },
				{ id: 'xung_ho', displayName: 'xung_ho' },
			]);
		});
	});

	describe('Count Calls', () => {
		const countParameters = (autocallId: string, phones = '') => ({
			resource: 'callbotSession',
			operation: 'countCalls',
			autocallId,
			phones,
		});

		it("counts a session's accepted calls, in all or for some phones", async () => {
			const { n8n, credential } = setUp();
			const items = [...customers, { phone: DNC_PHONE, name: 'Không gọi' }];
			const started = await n8n.run(omiWorkflow(items, startParameters(), credential));
			const autocallId = started.output('OMI AI')[0].json.autocall_id as string;

			const all = await n8n.run(omiWorkflow([{}], countParameters(autocallId), credential));
			const some = await n8n.run(
				omiWorkflow([{}], countParameters(autocallId, '+84 912 345 678, 0987.654.321'), credential),
			);

			expect(all.output('OMI AI')).toEqual([{ json: { autocallId, count: 3 }, pairedItem: { item: 0 } }]);
			expect(some.output('OMI AI')).toEqual([{ json: { autocallId, count: 2 }, pairedItem: { item: 0 } }]);
		});

		it('reports an unknown autocall ID for its item', async () => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(omiWorkflow([{}], countParameters('no-such-session'), credential));

			expect(result.error?.message).toBe('OMI answered: resource_not_found [item 0]');
		});
	});

	describe('Get Analyzed Logs', () => {
		// The sandbox generates 120 entries per session; OMI's page size is 50.
		const logParameters = (extra: INodeParameters = {}) => ({
			resource: 'callbotSession',
			operation: 'getAnalyzedLogs',
			refUuid: 'session-logs-1',
			...extra,
		});
		const pagesFetched = () =>
			requestsTo(LOGS_PATH).map((request) => ({ page: request.query.page, status: request.status }));

		it('follows the pages to the end with Return All, one item per entry', async () => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(omiWorkflow([{}], logParameters({ returnAll: true }), credential));

			expect(result.error).toBeUndefined();
			const logs = result.output('OMI AI');
			expect(logs).toHaveLength(120);
			expect(new Set(logs.map((log) => log.json._id)).size).toBe(120);
			expect(logs.every((log) => log.json.ref_uuid === 'session-logs-1')).toBe(true);
			expect(logs.every((log) => JSON.stringify(log.pairedItem) === '{"item":0}')).toBe(true);
			expect(pagesFetched()).toEqual([
				{ page: '1', status: 200 },
				{ page: '2', status: 200 },
				{ page: '3', status: 200 },
			]);
		});

		describe('when OMI does not page as documented', () => {
			const pageAnswer = (ids: string[], extra: IDataObject = {}) =>
				JSON.stringify({
					status_code: 9999,
					message: 'success',
					payload: { items: ids.map((_id) => ({ _id, ref_uuid: 'session-logs-1' })), has_next: true, ...extra },
				});

			it('stops with a clear error when a page repeats the one before (OMI ignoring "page")', async () => {
				const { n8n, credential } = setUp();
				sandbox().control.addFault({ path: LOGS_PATH, times: 50, fault: { type: 'http', status: 200, body: pageAnswer(['a', 'b']) } });

				const result = await n8n.run(omiWorkflow([{}], logParameters({ returnAll: true }), credential));

				expect(result.error?.message).toBe('OMI sent page 2 with the same entries as page 1 [item 0]');
				expect(result.error?.description).toContain('Return All');
				expect(pagesFetched()).toHaveLength(2);
			});

			it('asks for no page past total_pages, even when has_next says there is one', async () => {
				const { n8n, credential } = setUp();
				sandbox().control.addFault({ path: LOGS_PATH, times: 1, fault: { type: 'http', status: 200, body: pageAnswer(['a'], { total_pages: 2 }) } });
				sandbox().control.addFault({ path: LOGS_PATH, times: 50, fault: { type: 'http', status: 200, body: pageAnswer(['b'], { total_pages: 2 }) } });

				const result = await n8n.run(omiWorkflow([{}], logParameters({ returnAll: true }), credential));

				expect(result.error).toBeUndefined();
				expect(result.output('OMI AI').map((log) => log.json._id)).toEqual(['a', 'b']);
				expect(pagesFetched()).toHaveLength(2);
			});
		});

		it('renews the token in the middle of Return All without skipping or repeating an entry', async () => {
			const { n8n, credential } = setUp();
			const workflow = omiWorkflow([{}], logParameters({ returnAll: true }), credential);
			sandbox().control.addFault({
				path: LOGS_PATH,
				skip: 1,
				times: 1,
				fault: { type: 'http', status: 401, body: '{"status_code":-9999,"message":"token_expired"}' },
			});

			const renewed = await n8n.run(workflow);
			const pagesWithRenewal = pagesFetched();
			const authRequests = requestsTo('/api/auth').length;
			const undisturbed = await n8n.run(workflow);

			expect(renewed.error).toBeUndefined();
			expect(pagesWithRenewal).toEqual([
				{ page: '1', status: 200 },
				{ page: '2', status: 401 },
				// n8n renews only on a 401 it throws itself: the page is asked again, with a token sure to be refused.
				{ page: '2', status: 401 },
				{ page: '2', status: 200 },
				{ page: '3', status: 200 },
			]);
			// The first token, then the renewed one.
			expect(authRequests).toBe(2);
			expect(renewed.output('OMI AI').map((log) => log.json._id)).toEqual(
				undisturbed.output('OMI AI').map((log) => log.json._id),
			);
			expect(renewed.output('OMI AI')).toHaveLength(120);
		});

		it('stops at the limit, asking only for the pages it needs', async () => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(omiWorkflow([{}], logParameters({ returnAll: false, limit: 70 }), credential));

			expect(result.output('OMI AI')).toHaveLength(70);
			expect(pagesFetched().map(({ page }) => page)).toEqual(['1', '2']);
		});

		it('filters by keyword', async () => {
			const { n8n, credential } = setUp();
			const all = await n8n.run(omiWorkflow([{}], logParameters({ returnAll: true }), credential));
			const keyword = String(all.output('OMI AI')[0].json.content).split(' ').slice(0, 2).join(' ');

			const result = await n8n.run(omiWorkflow([{}], logParameters({ returnAll: true, keyword }), credential));

			const matching = result.output('OMI AI');
			expect(matching.length).toBeGreaterThan(0);
			expect(matching.length).toBeLessThan(120);
			for (const log of matching) {
				expect(String(log.json.content).toLowerCase()).toContain(keyword.toLowerCase());
			}
		});

		it('says an empty Session ID is empty, before sending', async () => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(
				omiWorkflow([{}], logParameters({ refUuid: '={{ $json.sessionId }}', returnAll: true }), credential),
			);

			expect(result.error?.message).toBe('Session ID is empty [item 0]');
			expect(requestsTo(LOGS_PATH)).toHaveLength(0);
		});

		it("reports OMI's plain HTTP 400 refusal readably, for its item", async () => {
			const { n8n, credential } = setUp();
			sandbox().control.addFault({
				path: LOGS_PATH,
				fault: { type: 'http', status: 400, body: '{"error": "Invalid request"}' },
			});

			const result = await n8n.run(omiWorkflow([{}], logParameters({ returnAll: true }), credential));

			expect(result.error?.message).toBe('OMI answered: Invalid request [item 0]');
			expect(result.error?.description).toBe("OMI refused the request. The message above is OMI's own reason.");
		});
	});
});
