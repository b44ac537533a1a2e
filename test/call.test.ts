import { CALL_UNKNOWN_FIELDS, unknownFieldWarning, valuesNotKept } from '../sandbox/server';
import { omiWorkflow } from './harness/engine';
import { n8nWithOmiCredential, useSandbox } from './harness/sandbox';

const authHeaders = async (base: string, apiKey: string) => {
	const auth = (await (await fetch(`${base}/api/auth?apiKey=${apiKey}`)).json()) as { payload: { access_token: string } };
	return { authorization: `Bearer ${auth.payload.access_token}`, 'content-type': 'application/json' };
};

interface SearchPage {
	status_code: number;
	message: string;
	payload: { items: Array<Record<string, unknown>>; has_next: boolean; total_items: number; page_size: number };
}

describe('Sandbox call history', () => {
	const sandbox = useSandbox();

	async function search(body: unknown, query = '', path = '/api/v2/callTransaction/search'): Promise<SearchPage> {
		const { url, apiKey } = sandbox();
		const response = await fetch(`${url}${path}${query}`, {
			method: 'POST',
			headers: await authHeaders(url, apiKey),
			body: JSON.stringify(body),
		});
		return (await response.json()) as SearchPage;
	}

	it('shows a late call only once it appears, and its recording only once it is attached', async () => {
		const [late, lateRecording] = sandbox().control.addCalls([
			{ appearAfterMs: 400 },
			{ recordingAfterMs: 400, talkSeconds: 3 },
		]);

		const before = await search({});
		expect(before.payload.items.map((item) => item.transaction_id)).toEqual([lateRecording.id]);
		expect(before.payload.items[0]).toEqual(expect.objectContaining({ recording_file_url: '', record_seconds: 0 }));

		await new Promise((resolve) => setTimeout(resolve, 450));
		const after = await search({ transactionIds: [late.id, lateRecording.id] });
		expect(after.payload.items.map((item) => item.transaction_id).sort()).toEqual([late.id, lateRecording.id].sort());
		const withRecording = after.payload.items.find((item) => item.transaction_id === lateRecording.id)!;
		expect(withRecording.record_seconds).toBe(3);

		// The link downloads a real WAV of the recording's length.
		const wav = Buffer.from(await (await fetch(withRecording.recording_file_url as string)).arrayBuffer());
		expect(wav.subarray(0, 4).toString('ascii')).toBe('RIFF');
		expect(wav.subarray(8, 12).toString('ascii')).toBe('WAVE');
		expect(wav.length).toBe(44 + 3 * 8000 * 2);
	});

	it('filters by time range, direction, agent, hotline and customer, and pages by at most 50', async () => {
		const now = Date.now();
		const calls = sandbox().control.addCalls([
			...Array.from({ length: 60 }, (_, i) => ({ endedAt: now - i * 1000, agentExtension: '101', direction: 'inbound' as const })),
			{ endedAt: now, agentExtension: '102', direction: 'outbound', hotline: '02400000000', customerPhone: '0900000123' },
			{ endedAt: now - 3_600_000, agentExtension: '103' },
		]);

		const firstPage = await search({ sipUsers: ['101'] }, '?page=1&size=80');
		expect(firstPage.payload.page_size).toBe(50);
		expect(firstPage.payload.items).toHaveLength(50);
		expect(firstPage.payload.has_next).toBe(true);
		const secondPage = await search({ sipUsers: ['101'] }, '?page=2&size=50');
		expect(secondPage.payload.items).toHaveLength(10);
		expect(secondPage.payload.has_next).toBe(false);
		const ids = [...firstPage.payload.items, ...secondPage.payload.items].map((item) => item.transaction_id);
		expect(new Set(ids).size).toBe(60);

		expect((await search({ directions: ['outbound'] })).payload.items.map((i) => i.transaction_id)).toEqual([calls[60].id]);
		expect((await search({ sipNumbers: ['02400000000'] })).payload.total_items).toBe(1);
		expect((await search({ phoneNumbers: ['0900000123'] })).payload.total_items).toBe(1);
		const older = await search({ toDate: now - 3_000_000 });
		expect(older.payload.items.map((i) => i.transaction_id)).toEqual([calls[61].id]);
		expect((await search({ fromDate: now - 3_000_000 })).payload.total_items).toBe(61);
		// v3 nests the same filter.
		expect((await search({ filter: { sipUsers: ['103'] } }, '', '/api/v3/call-transaction/search')).payload.total_items).toBe(1);

		const bad = await search({ fromDate: 'yesterday' });
		expect(bad).toEqual(expect.objectContaining({ status_code: -9999, message: 'fromDate_invalid' }));
	});

	it('refuses a search without a valid token', async () => {
		const { url } = sandbox();
		const response = await fetch(`${url}/api/v2/callTransaction/search`, { method: 'POST', body: '{}' });
		expect(response.status).toBe(401);
	});
});

describe('OMI AI › Call', () => {
	const sandbox = useSandbox();

	it('Get Many returns every matching call across pages of 50, simplified, each linked to its item', async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		const now = Date.now();
		sandbox().control.addCalls([
			...Array.from({ length: 120 }, (_, i) => ({ endedAt: now - i * 500, agentExtension: '101' })),
			{ agentExtension: '104' },
		]);

		const result = await n8n.run(
			omiWorkflow([{}], { resource: 'call', operation: 'getMany', returnAll: true, filters: { sipUsers: '101' } }, credential),
		);

		expect(result.error).toBeUndefined();
		const calls = result.output('OMI AI');
		expect(calls).toHaveLength(120);
		expect(new Set(calls.map((call) => call.json.callId)).size).toBe(120);
		expect(calls.every((call) => (call.json.agent as { extension: string }).extension === '101')).toBe(true);
		expect(calls.every((call) => JSON.stringify(call.pairedItem) === '{"item":0}')).toBe(true);
		const searches = sandbox()
			.control.requests()
			.filter((request) => request.path === '/api/v2/callTransaction/search');
		expect(searches.map((request) => request.query)).toEqual([
			{ page: '1', size: '50' },
			{ page: '2', size: '50' },
			{ page: '3', size: '50' },
		]);
	});

	it('reads the credential once for a run of pages, besides the one read of n8n per request', async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		sandbox().control.addCalls(Array.from({ length: 240 }, (_, i) => ({ endedAt: Date.now() - i * 500, agentExtension: '102' })));
		const decryptions = () => n8n.credentials.decryptions.get(credential.id as string) ?? 0;
		const before = decryptions();

		const result = await n8n.run(
			omiWorkflow([{}], { resource: 'call', operation: 'getMany', returnAll: true, filters: { sipUsers: '102' } }, credential),
		);

		expect(result.output('OMI AI')).toHaveLength(240);
		// Five pages: five reads by httpRequestWithAuthentication, and one by the transport (was ten).
		expect(decryptions() - before).toBe(6);
	});

	it('Get Many stops at the limit and passes time range, directions, hotlines and phones to OMI', async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		const [match] = sandbox().control.addCalls([
			{ endedAt: Date.UTC(2026, 2, 1, 3, 0, 0), direction: 'outbound', hotline: '02873001234', customerPhone: '0911111111' },
			{ endedAt: Date.UTC(2026, 2, 1, 3, 0, 0), direction: 'inbound', hotline: '02873001234', customerPhone: '0911111111' },
			{ endedAt: Date.UTC(2026, 2, 2, 3, 0, 0), direction: 'outbound', hotline: '02873001234', customerPhone: '0911111111' },
		]);

		const result = await n8n.run(
			omiWorkflow(
				[{}],
				{
					resource: 'call',
					operation: 'getMany',
					returnAll: false,
					limit: 5,
					filters: {
						fromDate: '2026-03-01T08:00:00+07:00',
						toDate: '2026-03-01T11:00:00+07:00',
						directions: ['outbound'],
						sipNumbers: '02873001234',
						phoneNumbers: '0911111111, 0922222222',
					},
				},
				credential,
			),
		);

		expect(result.error).toBeUndefined();
		expect(result.output('OMI AI').map((call) => call.json.callId)).toEqual([match.id]);
		const [request] = sandbox().control.requests().filter((r) => r.path === '/api/v2/callTransaction/search');
		expect(request.query).toEqual({ page: '1', size: '5' });
	});

	it('Get returns one call, simplified, with the raw record one switch away', async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		const autocallId = '7d0f5a8e-1111-4b2c-9d3e-5f6a7b8c9d0e';
		const endedAt = Date.UTC(2026, 2, 1, 3, 0, 10);
		const [call] = sandbox().control.addCalls([
			{ endedAt, talkSeconds: 62, ringSeconds: 8, direction: 'outbound', agentExtension: '102', customerPhone: '0933333333', customerName: 'Vũ Thu Hà', hotline: '02473005678', autocallId },
			{},
		]);

		const simplified = await n8n.run(
			omiWorkflow([{ id: call.id }], { resource: 'call', operation: 'get', callId: '={{ $json.id }}', simplify: true }, credential),
		);
		const raw = await n8n.run(
			omiWorkflow([{}], { resource: 'call', operation: 'get', callId: call.id, simplify: false }, credential),
		);

		expect(simplified.error).toBeUndefined();
		expect(simplified.output('OMI AI')).toEqual([
			{
				json: {
					callId: call.id,
					direction: 'outbound',
					startedAt: '2026-03-01T02:59:00.000Z',
					answeredAt: '2026-03-01T02:59:08.000Z',
					endedAt: '2026-03-01T03:00:10.000Z',
					talkSeconds: 62,
					recordingSeconds: 62,
					agent: { name: 'Trần Văn Minh', extension: '102' },
					customer: { name: 'Vũ Thu Hà', phone: '0933333333' },
					hotline: '02473005678',
					disposition: 'answered',
					recordingUrl: `${sandbox().url}/recordings/${call.id}.wav?seconds=62`,
					callbotSessionId: autocallId,
				},
				pairedItem: { item: 0 },
			},
		]);
		const record = raw.output('OMI AI')[0].json;
		expect(record).toEqual(expect.objectContaining({ transaction_id: call.id, bill_sec: 62, sip_user: '102', autocall_uuid: autocallId }));
	});

	it('Get keeps the fields OMICall sends and its documents do not show, in otherFields, each named in warnings', async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		const [call] = sandbox().control.addCalls([{ extraFields: CALL_UNKNOWN_FIELDS.extraFields }]);
		const get = (simplify: boolean) =>
			n8n.run(omiWorkflow([{}], { resource: 'call', operation: 'get', callId: call.id, simplify }, credential));

		const [simplified, raw] = [await get(true), await get(false)];

		expect(simplified.error).toBeUndefined();
		const record = raw.output('OMI AI')[0].json;
		const item = simplified.output('OMI AI')[0].json;
		expect(record).toMatchObject({ call_uuid: 'c-7b1f0c2e', customer: { email: 'khach@example.vn' } });
		expect(valuesNotKept(record, item, CALL_UNKNOWN_FIELDS.unknown, CALL_UNKNOWN_FIELDS.placeOf)).toEqual([]);
		expect([...(item.warnings as string[])].sort()).toEqual(CALL_UNKNOWN_FIELDS.unknown.map((field) => unknownFieldWarning(field)).sort());
	});

	it('Get names the missing call, and gives an error item with Continue On Fail', async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		const [call] = sandbox().control.addCalls([{ answered: false }]);
		const parameters = { resource: 'call', operation: 'get', callId: '={{ $json.id }}', simplify: true };

		const stopped = await n8n.run(omiWorkflow([{ id: call.id }, { id: 'no-such-call' }], parameters, credential));
		expect(stopped.error?.message).toBe('OMICall has no call with the ID no-such-call [item 1]');

		const continued = await n8n.run(
			omiWorkflow([{ id: call.id }, { id: 'no-such-call' }], parameters, credential, { onError: 'continueRegularOutput' }),
		);
		const [found, missing] = continued.output('OMI AI');
		expect(found.json).toEqual(
			expect.objectContaining({ callId: call.id, disposition: 'cancelled', talkSeconds: 0, recordingUrl: null, answeredAt: null, callbotSessionId: null }),
		);
		expect(missing).toEqual({ json: expect.objectContaining({ error: 'OMICall has no call with the ID no-such-call [item 1]' }), pairedItem: { item: 1 } });
	});

	it("passes on OMI's error with the vendor's message", async () => {
		const { n8n, credential } = n8nWithOmiCredential(sandbox());
		sandbox().control.addFault({ path: '/api/v2/callTransaction/search', fault: { type: 'envelope-error', message: 'permission_denied' } });

		const result = await n8n.run(omiWorkflow([{}], { resource: 'call', operation: 'getMany', returnAll: true }, credential));

		expect(result.error?.message).toBe('OMI answered: permission_denied [item 0]');
	});
});
