/** OMI AI endpoints: webhook registration and the two asynchronous uploads (omi-api.md section 2). */

import type { RouteContext } from './core';
import { requireJsonObject, sendFail, sendOk } from './envelope';
import { receiveUpload } from './multipart';
import type { DeliveryKind, UploadEndpoint } from './types';

const SUPPORTED_AUDIO = /\.(wav|mp3|m4a)$/i;

const RESULT_KIND: Record<UploadEndpoint, DeliveryKind> = {
	speech_to_text: 'transcription',
	call_analyze: 'analysis',
};

function isHttpUrl(value: string): boolean {
	try {
		const url = new URL(value);
		return url.protocol === 'http:' || url.protocol === 'https:';
	} catch {
		return false;
	}
}

export async function registerWebhook({ req, res, core }: RouteContext): Promise<void> {
	const body = await requireJsonObject(req, res);
	if (!body) return;
	const url = typeof body.url === 'string' ? body.url.trim() : '';
	if (!isHttpUrl(url)) return sendFail(res, 'url_invalid');
	// One URL per account, replaced by each registration (omi-api.md 2).
	core.state.webhook.current = url;
	core.state.webhook.history.push(url);
	if (core.options.registerAnswer === 'empty') {
		res.writeHead(200).end();
		return;
	}
	sendOk(res, { url });
}

export function uploadHandler(endpoint: UploadEndpoint) {
	return async ({ req, res, core }: RouteContext): Promise<void> => {
		const outcome = await receiveUpload(req);
		if (outcome.kind === 'aborted') return;
		if (outcome.kind !== 'parsed' || outcome.parts === 0) return sendFail(res, 'request_body_required');
		const { file, fields } = outcome;
		if (!file) return sendFail(res, 'file_is_required');
		if (!SUPPORTED_AUDIO.test(file.fileName)) return sendFail(res, 'file_format_not_supported');
		const trackingId = fields.tracking_id ?? '';
		if (trackingId.trim() === '') return sendFail(res, 'tracking_id_is_required');

		core.state.uploads.push({ endpoint, trackingId, ...file, fields, receivedAt: Date.now() });
		const state = core.state;
		core.webhooks.schedule(RESULT_KIND[endpoint], trackingId, core.options.resultDelayMs, () => state.webhook.current);
		sendOk(res, { tracking_id: trackingId, status: 'PROCESSING' });
	};
}
