import { startBinaryStore } from './harness/binaryStore';
import { TestN8n, omiWorkflow } from './harness/engine';
import { makeRecording } from './harness/files';
import { addOmiCredential, useSandbox } from './harness/sandbox';

/**
 * Memory, not speed: a 200 MB recording goes from n8n's binary store through
 * our node to OMI, and the process must not grow with the file. The sandbox
 * runs in this process too, so its streaming parser counts against the limit.
 */
describe('OMI AI › Recording memory', () => {
	const sandbox = useSandbox();
	beforeAll(startBinaryStore);

	it('uploads a 200 MB recording with less than 64 MB of memory growth', async () => {
		const n8n = new TestN8n();
		const credential = addOmiCredential(n8n, sandbox());
		const file = makeRecording('long-call.wav', 200 * 1024 * 1024);
		const workflow = omiWorkflow(
			[{ $file: { path: file.path, fileName: 'long-call.wav', mimeType: 'audio/wav' } }],
			{ resource: 'recording', operation: 'transcribe', trackingId: 'big-1' },
			credential,
		);
		global.gc?.();
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 10);

		const result = await n8n.run(workflow);
		clearInterval(sampler);

		expect(result.error).toBeUndefined();
		expect(sandbox().control.uploads()[0]).toMatchObject({ size: file.size, sha256: file.sha256 });
		const growthMb = (peak - baseline) / 1024 / 1024;
		console.log(`200 MB upload: RSS grew by ${growthMb.toFixed(1)} MB`);
		expect(growthMb).toBeLessThan(64);
	});
});
