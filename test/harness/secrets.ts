import { Logger } from '@n8n/backend-common';
import { Container } from '@n8n/di';
import { LoggerProxy } from 'n8n-workflow';

/**
 * Everything a value holds as text, including what JSON.stringify skips:
 * an error's message, stack and cause, and other non-enumerable properties.
 */
export function everyText(value: unknown): string {
	const seen = new Set<unknown>();
	const parts: string[] = [];
	const walk = (current: unknown, depth: number) => {
		if (current === null || current === undefined || depth > 40) return;
		if (typeof current !== 'object' && typeof current !== 'function') {
			parts.push(String(current));
			return;
		}
		if (seen.has(current)) return;
		seen.add(current);
		if (Buffer.isBuffer(current)) {
			parts.push(current.toString('utf8'));
			return;
		}
		for (const key of Reflect.ownKeys(current)) {
			parts.push(String(key));
			let child: unknown;
			try {
				child = (current as Record<string | symbol, unknown>)[key];
			} catch {
				continue;
			}
			walk(child, depth + 1);
		}
	};
	walk(value, 0);
	return parts.join('\n');
}

/** Collects every line n8n's logger and the console write while a test runs. */
export function captureLogs(): { lines: string[]; restore: () => void } {
	const lines: string[] = [];
	const record =
		(level: string) =>
		(...args: unknown[]) => {
			lines.push(`${level} ${args.map((arg) => everyText(arg)).join(' ')}`);
		};
	const logger = {
		error: record('error'),
		warn: record('warn'),
		info: record('info'),
		debug: record('debug'),
		verbose: record('verbose'),
		scoped: () => logger,
	};
	LoggerProxy.init(logger as never);
	// Node contexts log through the server's Logger service, not LoggerProxy.
	const serverLogger = Container.has(Logger) ? Container.get(Logger) : undefined;
	Container.set(Logger, logger as never);
	const consoleMethods = ['log', 'info', 'warn', 'error', 'debug'] as const;
	const originals = consoleMethods.map((method) => console[method]);
	for (const method of consoleMethods) console[method] = record(`console.${method}`);
	return {
		lines,
		restore: () => {
			consoleMethods.forEach((method, index) => (console[method] = originals[index]));
			if (serverLogger) Container.set(Logger, serverLogger);
		},
	};
}
