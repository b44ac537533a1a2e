import { createHash } from 'node:crypto';

import { UPLOAD_UNKNOWN_FIELDS, unknownFieldWarning, valuesNotKept } from '../sandbox/server';
import { startBinaryStore } from './harness/binaryStore';
import { TestN8n, omiWorkflow } from './harness/engine';
import { makeEmptyFile, makeRecording, startFileServer } from './harness/files';
import { addOmiCredential, n8nWithOmiCredential, useSandbox } from './harness/sandbox';

const transcribe = { resource: 'recording', operation: 'transcribe' };
const analyze = { resource: 'recording', operation: 'analyzeCall' };

describe('OMI AI › Recording', () => {
	const sandbox = useSandbox();
	beforeAll(startBinaryStore);

	const setUp = () => n8nWithOmiCredential(sandbox());

	describe('from a binary file', () => {
		it('streams the file from the binary store to OMI byte for byte, with its name and tracking ID', async () => {
			const { n8n, credential } = setUp();
			const file = makeRecording('call-0912.wav', 3 * 1024 * 1024 + 17);

			const result = await n8n.run(
				omiWorkflow(
					[{ $file: { path: file.path, fileName: 'call-0912.wav', mimeType: 'audio/wav' }, callId: 'crm-77' }],
					{ ...transcribe, trackingId: '={{ $json.callId }}' },
					credential,
				),
			);

			expect(result.error).toBeUndefined();
			expect(result.output('OMI AI')).toEqual([
				{
					json: {
						trackingId: 'crm-77',
						operation: 'transcribe',
						fileName: 'call-0912.wav',
						fileSize: file.size,
						contentType: 'audio/wav',
						source: 'binary',
						response: expect.objectContaining({ tracking_id: 'crm-77' }),
						omiAnswer: expect.objectContaining({ status_code: 9999, message: 'success', payload: expect.objectContaining({ tracking_id: 'crm-77' }) }),
					},
					pairedItem: { item: 0 },
				},
			]);
			const [upload] = sandbox().control.uploads();
			expect(upload).toMatchObject({
				endpoint: 'speech_to_text',
				trackingId: 'crm-77',
				fileName: 'call-0912.wav',
				contentType: 'audio/wav',
				size: file.size,
				sha256: file.sha256,
			});
		});

		it('gives every item its own default tracking ID, unique to the execution', async () => {
			const { n8n, credential } = setUp();
			const file = makeRecording('short.mp3', 2048);
			const item = { $file: { path: file.path, fileName: 'short.mp3', mimeType: 'audio/mpeg' } };
			const { nodes, connections } = omiWorkflow([item, item, item], analyze, credential);
			nodes[1].parameters.trackingId = "={{ 'n8n-' + $execution.id + '-' + $itemIndex }}";

			const result = await n8n.run({ nodes, connections }, 'exec-4242');

			const ids = result.output('OMI AI').map((output) => output.json.trackingId);
			expect(ids).toEqual(['n8n-exec-4242-0', 'n8n-exec-4242-1', 'n8n-exec-4242-2']);
			expect(sandbox().control.uploads().map((upload) => upload.trackingId).sort()).toEqual(ids);
			expect(sandbox().control.uploads().every((upload) => upload.endpoint === 'call_analyze')).toBe(true);
		});

		it('uploads items in parallel but keeps the output in input order', async () => {
			const { n8n, credential } = setUp();
			const files = [0, 1, 2, 3, 4].map((index) => makeRecording(`parallel-${index}.wav`, 10_000 + index));
			// The first upload is answered last; the output must not follow the answers.
			sandbox().control.addFault({
				path: '/api/ai/speech_to_text',
				times: 1,
				fault: { type: 'latency', ms: 400 },
			});

			const result = await n8n.run(
				omiWorkflow(
					files.map((file, index) => ({ $file: { path: file.path, fileName: `parallel-${index}.wav` }, index })),
					{ ...transcribe, trackingId: '={{ "parallel-" + $json.index }}', options: { concurrency: 5 } },
					credential,
				),
			);

			const output = result.output('OMI AI');
			expect(output.map((item) => item.json.trackingId)).toEqual(files.map((_, index) => `parallel-${index}`));
			expect(output.map((item) => item.pairedItem)).toEqual(files.map((_, index) => ({ item: index })));
			const arrivalOrder = sandbox()
				.control.uploads()
				.map((upload) => upload.trackingId);
			expect(arrivalOrder[arrivalOrder.length - 1]).toBe('parallel-0');
			for (const [index, file] of files.entries()) {
				expect(sandbox().control.uploads().find((upload) => upload.trackingId === `parallel-${index}`)?.sha256).toBe(
					file.sha256,
				);
			}
		});

		it.each(['plain', 'wrapped'] as const)(
			"sends a binary kept in the item, as n8n's default binary mode does, byte for byte (base64 %s)",
			async (inline) => {
				const { n8n, credential } = setUp();
				const file = makeRecording('inline.wav', 100_000);

				const result = await n8n.run(
					omiWorkflow([{ $file: { path: file.path, fileName: 'inline.wav', mimeType: 'audio/wav', inline } }], transcribe, credential),
				);

				expect(result.error).toBeUndefined();
				expect(result.output('OMI AI')[0].json).toMatchObject({ fileName: 'inline.wav', fileSize: file.size });
				expect(sandbox().control.uploads()[0]).toMatchObject({ size: file.size, sha256: file.sha256 });
			},
		);

		it('adds the extension OMI needs when only the type tells the format', async () => {
			const { n8n, credential } = setUp();
			const file = makeRecording('no-extension', 4096);

			const result = await n8n.run(
				omiWorkflow([{ $file: { path: file.path, fileName: 'call-123', mimeType: 'audio/x-m4a' } }], transcribe, credential),
			);

			expect(result.output('OMI AI')[0].json).toMatchObject({ fileName: 'call-123.m4a', contentType: 'audio/x-m4a' });
			expect(sandbox().control.uploads()[0]).toMatchObject({ fileName: 'call-123.m4a', size: 4096 });
		});

		it("keeps OMI's whole acknowledgement, so that a field nobody expected reaches the workflow", async () => {
			const { n8n, credential } = setUp();
			const file = makeRecording('call-ack.wav', 2048);
			sandbox().control.addFault({
				path: '/api/ai/call_analyze',
				fault: { type: 'reshape', move: { 'payload.status': 'payload.job.state', instance_version: 'server_version' } },
			});

			const result = await n8n.run(
				omiWorkflow([{ $file: { path: file.path, fileName: 'call-ack.wav', mimeType: 'audio/wav' } }], analyze, credential),
			);

			expect(result.error).toBeUndefined();
			const [item] = result.output('OMI AI');
			expect(item.json.omiAnswer).toEqual({
				status_code: 9999,
				message: 'success',
				payload: { tracking_id: item.json.trackingId, job: { state: 'PROCESSING' } },
				instance_id: 'sandbox',
				server_version: '1.2.164-sandbox',
				key_enabled: true,
			});
		});
	});

	it('names each field of the acknowledgement that OMI does not document, kept in omiAnswer', async () => {
		const { n8n, credential } = setUp();
		const file = makeRecording('call-extra.wav', 2048);
		sandbox().control.addFault({ path: '/api/ai/speech_to_text', fault: { type: 'add-fields', fields: UPLOAD_UNKNOWN_FIELDS.fields } });

		const result = await n8n.run(
			omiWorkflow([{ $file: { path: file.path, fileName: 'call-extra.wav', mimeType: 'audio/wav' } }], transcribe, credential),
		);

		expect(result.error).toBeUndefined();
		const { json } = result.output('OMI AI')[0];
		const answer = { status_code: 9999, message: 'success', payload: { tracking_id: json.trackingId, status: 'PROCESSING' } };
		const sent = { ...answer, request_id: 'req-42', payload: { ...answer.payload, job_id: 'job-9', queue: { position: 3, eta_seconds: 40 } } };
		const placeOf = (path: Array<string | number>) => ['omiAnswer', ...path];
		expect(valuesNotKept(sent, json, UPLOAD_UNKNOWN_FIELDS.unknown, placeOf, 'omiAnswer')).toEqual([]);
		expect([...(json.warnings as string[])].sort()).toEqual(UPLOAD_UNKNOWN_FIELDS.unknown.map((field) => unknownFieldWarning(field, 'omiAnswer')).sort());
	});

	describe('refused before anything is uploaded', () => {
		async function expectRefusal(items: object[], parameters: object, message: RegExp) {
			const { n8n, credential } = setUp();
			const result = await n8n.run(omiWorkflow(items as never, { ...transcribe, ...parameters }, credential));
			expect(result.error?.message).toMatch(message);
			expect(result.error?.description).toBeTruthy();
			expect(sandbox().control.requests().filter((request) => request.path.startsWith('/api/ai/'))).toEqual([]);
			return result;
		}

		it('a file OMI does not accept, by extension or by type', async () => {
			const ogg = makeRecording('voicemail.ogg', 1000);
			await expectRefusal(
				[{ $file: { path: ogg.path, fileName: 'voicemail.ogg', mimeType: 'audio/ogg' } }],
				{},
				/^The recording of item 0 is not a format OMI accepts: "voicemail.ogg" has the type audio\/ogg \[item 0\]$/,
			);
			await expectRefusal(
				[{ $file: { path: ogg.path, fileName: 'notes.txt', mimeType: 'application/octet-stream' } }],
				{},
				/has the extension \.txt \[item 0\]$/,
			);
		});

		it('an item without the binary field, naming the fields it has', async () => {
			const file = makeRecording('other.wav', 1000);
			const result = await expectRefusal(
				[{ $file: { path: file.path, fileName: 'other.wav', property: 'attachment_0' } }],
				{},
				/^Item 0 has no binary field "data" \[item 0\]$/,
			);
			expect(result.error?.description).toContain('attachment_0');
		});

		it('an empty file', async () => {
			await expectRefusal(
				[{ $file: { path: makeEmptyFile('empty.wav'), fileName: 'empty.wav', mimeType: 'audio/wav' } }],
				{},
				/^The recording of item 0 \("empty.wav"\) is empty \[item 0\]$/,
			);
		});

		it('a bad item after good ones, so that no recording is sent twice when the run is repeated', async () => {
			const file = makeRecording('good.wav', 4000);
			const good = { $file: { path: file.path, fileName: 'good.wav', mimeType: 'audio/wav' } };
			await expectRefusal(
				[good, good, { $file: { path: file.path, fileName: 'good.wav', property: 'attachment' } }, good],
				{ options: { concurrency: 1 } },
				/^Item 2 has no binary field "data" \[item 2\]$/,
			);
			await expectRefusal(
				[{ url: `${sandbox().url}/recordings/demo-call.wav` }, { url: 'not a link' }],
				{ source: 'url', recordingUrl: '={{ $json.url }}', options: { concurrency: 1 } },
				/^The recording URL of item 1 is not a valid http\(s\) URL \[item 1\]$/,
			);
			expect(sandbox().control.requests().filter((request) => request.path.startsWith('/recordings/'))).toEqual([]);
		});

		it('only the bad item when Continue On Fail is on', async () => {
			const { n8n, credential } = setUp();
			const file = makeRecording('good.wav', 4000);
			const good = { $file: { path: file.path, fileName: 'good.wav', mimeType: 'audio/wav' } };
			const result = await n8n.run(
				omiWorkflow([good, { $file: { path: file.path, fileName: 'bad.ogg', mimeType: 'audio/ogg' } }, good], transcribe, credential, {
					onError: 'continueRegularOutput',
				}),
			);

			const output = result.output('OMI AI');
			expect(output.map((item) => item.pairedItem)).toEqual([{ item: 0 }, { item: 1 }, { item: 2 }]);
			expect(output[1].json.error).toMatch(/^The recording of item 1 is not a format OMI accepts.* \[item 1\]$/);
			expect([output[0].json.source, output[2].json.source]).toEqual(['binary', 'binary']);
			expect(sandbox().control.uploads()).toHaveLength(2);
		});

		it('an empty tracking ID', async () => {
			const file = makeRecording('t.wav', 100);
			await expectRefusal([{ $file: { path: file.path, fileName: 't.wav' } }], { trackingId: '' }, /Tracking ID of item 0 is empty/);
		});
	});

	describe('from a recording URL', () => {
		const recording = makeRecording('from-pbx.mp3', 1024 * 1024 + 5);
		// Larger than what the sockets' buffers hold, so that a download nobody reads stays open.
		const large = makeRecording('large.mp3', 32 * 1024 * 1024);
		const files = {
			'/calls/from-pbx.mp3': { path: recording.path, contentType: 'audio/mpeg' },
			'/calls/chunked': { path: recording.path, contentType: 'audio/mpeg', chunked: true },
			'/calls/page.html': { path: recording.path, contentType: 'text/html' },
			'/calls/compressible.mp3': { path: recording.path, contentType: 'audio/mpeg', gzip: true },
			'/calls/a%zz.mp3': { path: recording.path, contentType: 'audio/mpeg' },
			'/calls/large.mp3': { path: large.path, contentType: 'audio/mpeg' },
			'/calls/far-away.mp3': { path: large.path, contentType: 'audio/mpeg', bytesPerSecond: 4 * 1024 * 1024 },
			'/calls/odd-disposition': {
				path: recording.path,
				contentType: 'audio/mpeg',
				disposition: "attachment; filename*=UTF-8''cu%E1%BB%99c-g%E1%BB%8Di%zz.mp3",
			},
		};
		let server: Awaited<ReturnType<typeof startFileServer>>;
		beforeAll(async () => (server = await startFileServer(files)));
		afterAll(async () => await server.close());

		it.each([
			['with a Content-Length', '/calls/from-pbx.mp3', 'from-pbx.mp3'],
			['sent in chunks, without a length', '/calls/chunked', 'chunked.mp3'],
			['from a server that would compress it', '/calls/compressible.mp3', 'compressible.mp3'],
		])('downloads and forwards the recording %s, byte for byte', async (_how, path, fileName) => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(
				omiWorkflow([{ url: `${server.url}${path}` }], { ...analyze, source: 'url', recordingUrl: '={{ $json.url }}', trackingId: 'u-1' }, credential),
			);

			expect(result.error).toBeUndefined();
			expect(result.output('OMI AI')[0].json).toMatchObject({ fileName, fileSize: recording.size, source: 'url' });
			expect(sandbox().control.uploads()).toEqual([
				expect.objectContaining({ endpoint: 'call_analyze', fileName, size: recording.size, sha256: recording.sha256 }),
			]);
		});

		it("uploads the sandbox's own WAV recording, byte for byte", async () => {
			const { n8n, credential } = setUp();
			const recordingUrl = `${sandbox().url}/recordings/demo-call.wav?seconds=3`;
			const served = Buffer.from(await (await fetch(recordingUrl)).arrayBuffer());

			const result = await n8n.run(
				omiWorkflow([{}], { ...transcribe, source: 'url', recordingUrl, trackingId: 'wav-1' }, credential),
			);

			expect(result.error).toBeUndefined();
			expect(served.subarray(0, 4).toString('ascii')).toBe('RIFF');
			expect(served.length).toBe(44 + 3 * 16000);
			expect(sandbox().control.uploads()).toEqual([
				expect.objectContaining({
					fileName: 'demo-call.wav',
					contentType: 'audio/wav',
					size: served.length,
					sha256: createHash('sha256').update(served).digest('hex'),
				}),
			]);
		});

		it.each([
			['a URL path with a bad percent escape', '/calls/a%zz.mp3', 'a%zz.mp3'],
			['a Content-Disposition name with a bad percent escape', '/calls/odd-disposition', "cu%E1%BB%99c-g%E1%BB%8Di%zz.mp3"],
		])('takes %s undecoded', async (_how, path, fileName) => {
			const { n8n, credential } = setUp();

			const result = await n8n.run(
				omiWorkflow([{}], { ...transcribe, source: 'url', recordingUrl: `${server.url}${path}`, trackingId: 'odd-1' }, credential),
			);

			expect(result.error).toBeUndefined();
			expect(result.output('OMI AI')[0].json).toMatchObject({ fileName, fileSize: recording.size, source: 'url' });
			expect(sandbox().control.uploads()).toEqual([expect.objectContaining({ fileName, size: recording.size })]);
		});

		it('closes the download when the upload fails before it starts', async () => {
			const n8n = new TestN8n();
			const credential = addOmiCredential(n8n, sandbox(), { aiBaseUrl: 'http://127.0.0.1:9' });

			const result = await n8n.run(
				omiWorkflow([{}], { ...transcribe, source: 'url', recordingUrl: `${server.url}/calls/large.mp3` }, credential),
			);

			expect(result.error?.message).toBe('Could not complete the request to OMI: the connection was refused [item 0]');
			const deadline = Date.now() + 3000;
			while (server.openDownloads() > 0 && Date.now() < deadline) await new Promise((resolve) => setImmediate(resolve));
			expect(server.openDownloads()).toBe(0);
		});

		it('stops the download and the upload as soon as the execution is stopped', async () => {
			const { n8n, credential } = setUp();
			const parameters = { ...transcribe, source: 'url', recordingUrl: `${server.url}/calls/far-away.mp3`, trackingId: 'stop-1' };
			const execution = n8n.start(omiWorkflow([{}], parameters, credential));
			const uploading = () => sandbox().control.requests().some((request) => request.path === '/api/ai/speech_to_text');
			while (!uploading()) await new Promise((resolve) => setTimeout(resolve, 10));
			await new Promise((resolve) => setTimeout(resolve, 300));

			const stoppedAt = Date.now();
			execution.stop();
			await execution.finished;
			const tookMs = Date.now() - stoppedAt;
			const deadline = Date.now() + 2000;
			while (server.openDownloads() > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));

			// The 32 MB take 8 s to come from far away.
			expect(tookMs).toBeLessThan(3000);
			expect(server.openDownloads()).toBe(0);
			expect(sandbox().control.uploads()).toEqual([]);
		});

		it('refuses a page that is not audio, and a link that does not work', async () => {
			const { n8n, credential } = setUp();
			const run = async (recordingUrl: string) =>
				await n8n.run(omiWorkflow([{}], { ...transcribe, source: 'url', recordingUrl }, credential));

			expect((await run(`${server.url}/calls/page.html`)).error?.message).toContain('has the type text/html');
			expect((await run(`${server.url}/calls/missing.mp3`)).error?.message).toBe(
				'Could not download the recording of item 0: HTTP 404 [item 0]',
			);
			expect((await run('ftp://example.com/a.mp3')).error?.message).toContain('is not a valid http(s) URL');
			expect(sandbox().control.uploads()).toEqual([]);
		});
	});

	describe('OMI errors', () => {
		/** Two recordings, of which OMI refuses the second with HTTP 200 and -9999. */
		function twoItemsTheSecondRefused() {
			sandbox().control.addFault({
				path: '/api/ai/speech_to_text',
				skip: 1,
				fault: { type: 'envelope-error', message: 'balance_is_not_enough' },
			});
			const file = makeRecording('two.wav', 5000);
			return [0, 1].map((index) => ({ $file: { path: file.path, fileName: 'two.wav' }, index }));
		}

		it('stop the node at the failing item when Continue On Fail is off', async () => {
			const { n8n, credential } = setUp();
			const result = await n8n.run(omiWorkflow(twoItemsTheSecondRefused(), { ...transcribe, options: { concurrency: 1 } }, credential));

			expect(result.error?.message).toBe('OMI answered: balance_is_not_enough [item 1]');
			expect(result.error?.description).toContain('Top up');
		});

		it('become an error item for that item, with the others uploaded, when Continue On Fail is on', async () => {
			const { n8n, credential } = setUp();
			const result = await n8n.run(
				omiWorkflow(twoItemsTheSecondRefused(), { ...transcribe, options: { concurrency: 1 } }, credential, {
					onError: 'continueRegularOutput',
				}),
			);

			const [uploaded, failed] = result.output('OMI AI');
			expect(uploaded).toMatchObject({ json: { operation: 'transcribe', source: 'binary' }, pairedItem: { item: 0 } });
			expect(failed).toEqual({
				json: expect.objectContaining({ error: 'OMI answered: balance_is_not_enough [item 1]' }),
				pairedItem: { item: 1 },
			});
		});
	});
});
