import { Container } from '@n8n/di';
import { BinaryDataService } from 'n8n-core';

let ready: Promise<void> | undefined;

/**
 * Starts n8n's binary data service in filesystem mode (set in setup-env.ts),
 * as a self-hosted n8n with N8N_DEFAULT_BINARY_DATA_MODE=filesystem runs:
 * binaries then carry an id and are streamed from disk.
 */
export async function startBinaryStore(): Promise<void> {
	ready ??= Container.get(BinaryDataService).init();
	await ready;
}
