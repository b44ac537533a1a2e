import { TestN8n, omiWorkflow } from './harness/engine';
import { n8nWithOmiCredential, useSandbox } from './harness/sandbox';

describe('OMI AI › Callbot Script', () => {
	const sandbox = useSandbox();

	const setUp = () => n8nWithOmiCredential(sandbox());

	describe('Get Many', () => {
		it('returns every script simplified by default: ID, name and each variable as code and label, each linked to its input item', async () => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(
				omiWorkflow([{}], { resource: 'callbotScript', operation: 'getMany', returnAll: true }, credential),
			);

			expect(result.error).toBeUndefined();
			const scripts = result.output('OMI AI');
			expect(scripts.length).toBeGreaterThanOrEqual(3);
			expect(scripts.some((script) => (script.json.variables as unknown[]).length > 0)).toBe(true);
			for (const script of scripts) {
				expect(script.pairedItem).toEqual({ item: 0 });
				expect(Object.keys(script.json).sort()).toEqual(['id', 'name', 'variables']);
				expect(typeof script.json.id).toBe('string');
				expect(typeof script.json.name).toBe('string');
				for (const variable of script.json.variables as Array<Record<string, unknown>>) {
					expect(Object.keys(variable).sort()).toEqual(['code', 'name']);
					expect(variable.code).toEqual(expect.any(String));
					// OMI leaves some variables unlabelled; the code stands in for the label.
					expect(variable.name).toEqual(expect.stringMatching(/./));
				}
			}
		});

		it("gives OMI's whole script records with Simplify off", async () => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(
				omiWorkflow([{}], { resource: 'callbotScript', operation: 'getMany', returnAll: true, simplify: false }, credential),
			);

			expect(result.error).toBeUndefined();
			const scripts = result.output('OMI AI');
			const variables = scripts.flatMap((script) => script.json.variables as Array<Record<string, unknown>>);
			expect(variables.length).toBeGreaterThan(0);
			for (const variable of variables) {
				expect(variable).toEqual(
					expect.objectContaining({ field_code: expect.any(String), field_name: expect.any(String), is_dynamic_attribute: expect.anything() }),
				);
			}
		});

		it('keeps the fields of a script that OMI does not document, in otherFields, each named in warnings', async () => {
			const { n8n, credential } = n8nWithOmiCredential(sandbox());
			const fields = { 'payload.0.folder': 'Thu nợ', 'payload.0.variables.1.placeholder': 'Số tiền' };
			sandbox().control.addFault({ path: '/api/call_bot/script/list', fault: { type: 'add-fields', fields } });

			const result = await n8n.run(omiWorkflow([{}], { resource: 'callbotScript', operation: 'getMany', returnAll: true }, credential));

			expect(result.error).toBeUndefined();
			const [first, second] = result.output('OMI AI').map((item) => item.json);
			// Each variable keeps its place, so the kept field is found by its variable's index.
			const places = (first.variables as unknown[]).map((_, index) => (index === 1 ? { placeholder: 'Số tiền' } : null));
			expect(first.otherFields).toEqual({ folder: 'Thu nợ', variables: places });
			expect(first.warnings).toEqual([
				'Unknown field "variables[].placeholder" kept in otherFields.variables[].placeholder',
				'Unknown field "folder" kept in otherFields.folder',
			]);
			expect(second).not.toHaveProperty('otherFields');
			expect(second).not.toHaveProperty('warnings');
		});

		it('stops at the limit', async () => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(
				omiWorkflow([{}], { resource: 'callbotScript', operation: 'getMany', returnAll: false, limit: 2 }, credential),
			);

			expect(result.output('OMI AI')).toHaveLength(2);
		});
	});

	describe('Get', () => {
		async function knownScriptIds(n8n: TestN8n, credential: ReturnType<typeof setUp>['credential']) {
			const all = await n8n.run(
				omiWorkflow([{}], { resource: 'callbotScript', operation: 'getMany', returnAll: true }, credential),
			);
			return all.output('OMI AI').map((item) => item.json.id as string);
		}

		it('gets the script picked from the list, with its flow', async () => {
			const { n8n, credential } = setUp();
			const [firstId] = await knownScriptIds(n8n, credential);

			const result = await n8n.run(
				omiWorkflow(
					[{}],
					{ resource: 'callbotScript', operation: 'get', scriptId: { __rl: true, mode: 'list', value: firstId } },
					credential,
				),
			);

			expect(result.error).toBeUndefined();
			const [script] = result.output('OMI AI');
			expect(script.json).toEqual(expect.objectContaining({ id: firstId, nodes: expect.any(Array) }));
			expect(script.pairedItem).toEqual({ item: 0 });
		});

		it('takes the ID from each item by expression, and reports an unknown one for its item', async () => {
			const { n8n, credential } = setUp();
			const [firstId] = await knownScriptIds(n8n, credential);
			const parameters = {
				resource: 'callbotScript',
				operation: 'get',
				scriptId: { __rl: true, mode: 'id', value: '={{ $json.scriptId }}' },
			};
			const items = [{ scriptId: firstId }, { scriptId: 'no-such-script' }];

			const failing = await n8n.run(omiWorkflow(items, parameters, credential));
			expect(failing.error?.message).toBe('OMI answered: resource_not_found [item 1]');
			expect(failing.error?.description).toContain('Check the ID');

			const continuing = await n8n.run(
				omiWorkflow(items, parameters, credential, { onError: 'continueRegularOutput' }),
			);
			const output = continuing.output('OMI AI');
			expect(output).toHaveLength(2);
			expect(output[0]).toEqual({ json: expect.objectContaining({ id: firstId }), pairedItem: { item: 0 } });
			expect(output[1]).toEqual({
				json: expect.objectContaining({ error: 'OMI answered: resource_not_found [item 1]' }),
				pairedItem: { item: 1 },
			});
		});
	});

	describe('"From list" picker', () => {
		it('lists the scripts and filters them by name or ID', async () => {
			const { n8n, credential } = setUp();
			const node = omiWorkflow([{}], { resource: 'callbotScript', operation: 'get' }, credential).nodes[1];

			const all = await n8n.listSearch(node, 'searchScripts');
			expect(all.results.length).toBeGreaterThanOrEqual(3);

			const first = all.results[0];
			const byName = await n8n.listSearch(node, 'searchScripts', first.name.slice(0, 6).toUpperCase());
			expect(byName.results).toContainEqual(first);
			const byId = await n8n.listSearch(node, 'searchScripts', String(first.value));
			expect(byId.results).toEqual([first]);
			const none = await n8n.listSearch(node, 'searchScripts', 'zzz-nothing-matches');
			expect(none.results).toEqual([]);
		});
	});
});
