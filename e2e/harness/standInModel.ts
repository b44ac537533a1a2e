/**
 * A scripted stand-in for an OpenAI-compatible chat model (dev-only): n8n's
 * OpenAI Chat Model node, with its credential's Base URL pointed here, sends
 * its Chat Completions requests to this server, which records each one (the
 * tools n8n offers, with their descriptions and JSON schemas, and every
 * message) and answers what the test's script decides: tool calls or a
 * final text. It answers a streaming request as a single chunk.
 */

import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant' | 'tool';
	content: string | null | Array<{ type: string; text?: string }>;
	tool_calls?: Array<{ id: string; type: 'function'; function: { name: string; arguments: string } }>;
	tool_call_id?: string;
}

export interface ToolOffer {
	type: 'function';
	function: { name: string; description: string; parameters: { properties?: Record<string, { type?: string; description?: string }>; required?: string[] } };
}

export interface ChatRequest {
	model: string;
	messages: ChatMessage[];
	tools?: ToolOffer[];
	stream?: boolean;
}

/** What the model answers: calls of tools by name with their arguments, or a final text. */
export type ScriptedTurn = { toolCalls: Array<{ name: string; arguments: Record<string, unknown> }> } | { content: string };

export type ModelScript = (request: ChatRequest) => ScriptedTurn;

export interface StandInModel {
	/** The Base URL for n8n's OpenAI credential, e.g. http://127.0.0.1:41234/v1 */
	baseUrl: string;
	requests: ChatRequest[];
	/** Sets how the model answers from now on. */
	script(next: ModelScript): void;
	close(): Promise<void>;
}

/** The text of a message, however the client split it into parts. */
export const textOf = (message: ChatMessage): string =>
	typeof message.content === 'string' ? message.content : (message.content ?? []).map((part) => part.text ?? '').join('');

/** The tool answers the model has been given so far in this conversation, by tool name. */
export function toolResults(request: ChatRequest): Array<{ name: string; content: string }> {
	const names = new Map<string, string>();
	for (const message of request.messages) for (const call of message.tool_calls ?? []) names.set(call.id, call.function.name);
	return request.messages
		.filter((message) => message.role === 'tool')
		.map((message) => ({ name: names.get(message.tool_call_id ?? '') ?? '', content: textOf(message) }));
}

let callCounter = 0;

function completion(request: ChatRequest, turn: ScriptedTurn) {
	const message =
		'content' in turn
			? { role: 'assistant', content: turn.content }
			: {
					role: 'assistant',
					content: null,
					tool_calls: turn.toolCalls.map((call) => ({
						id: `call_${++callCounter}`,
						type: 'function',
						function: { name: call.name, arguments: JSON.stringify(call.arguments) },
					})),
				};
	const finishReason = 'content' in turn ? 'stop' : 'tool_calls';
	const usage = { prompt_tokens: 10, completion_tokens: 10, total_tokens: 20 };
	return { id: `chatcmpl-${callCounter}`, created: Math.floor(Date.now() / 1000), model: request.model, message, finishReason, usage };
}

export async function startStandInModel(): Promise<StandInModel> {
	const requests: ChatRequest[] = [];
	let script: ModelScript = () => ({ content: 'No script set.' });
	const server = http.createServer((req, res) => {
		const chunks: Buffer[] = [];
		req.on('data', (chunk: Buffer) => chunks.push(chunk));
		req.on('end', () => {
			const path = (req.url ?? '').split('?')[0];
			if (req.method === 'GET' && path.endsWith('/models')) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ object: 'list', data: [{ id: 'stand-in', object: 'model', created: 0, owned_by: 'e2e' }] }));
				return;
			}
			if (req.method !== 'POST' || !path.endsWith('/chat/completions')) {
				res.writeHead(404, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ error: { message: `No route ${req.method} ${path}` } }));
				return;
			}
			const request = JSON.parse(Buffer.concat(chunks).toString('utf8')) as ChatRequest;
			requests.push(request);
			let turn: ScriptedTurn;
			try {
				turn = script(request);
			} catch (error) {
				turn = { content: `The stand-in model's script failed: ${(error as Error).message}` };
			}
			const answer = completion(request, turn);
			const base = { id: answer.id, created: answer.created, model: answer.model };
			if (!request.stream) {
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(
					JSON.stringify({
						...base,
						object: 'chat.completion',
						choices: [{ index: 0, message: answer.message, finish_reason: answer.finishReason, logprobs: null }],
						usage: answer.usage,
					}),
				);
				return;
			}
			const delta = {
				...answer.message,
				tool_calls: answer.message.tool_calls?.map((call, index) => ({ index, ...call })),
			};
			res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
			const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
			send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta, finish_reason: null }] });
			send({ ...base, object: 'chat.completion.chunk', choices: [{ index: 0, delta: {}, finish_reason: answer.finishReason }], usage: answer.usage });
			res.end('data: [DONE]\n\n');
		});
	});
	await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
	const { port } = server.address() as AddressInfo;
	return {
		baseUrl: `http://127.0.0.1:${port}/v1`,
		requests,
		script: (next) => (script = next),
		close: async () => {
			server.closeAllConnections();
			await new Promise<void>((resolve) => server.close(() => resolve()));
		},
	};
}
