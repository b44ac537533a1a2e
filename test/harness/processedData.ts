import { DataDeduplicationService } from 'n8n-core';
import type {
	DeduplicationItemTypes,
	DeduplicationScope,
	ICheckProcessedContextData,
	ICheckProcessedOptions,
	IDataDeduplicator,
	IDeduplicationOutput,
} from 'n8n-workflow';

/**
 * n8n's processed-items store ("entries" mode) as the n8n server keeps it in
 * its database: one list per workflow and node, oldest first, trimmed to
 * `maxEntries`. n8n-core only defines the interface; the server plugs in its
 * database, and the in-process engine plugs in this. The lists outlive a
 * TestN8n, as the database outlives an n8n restart.
 */
class ProcessedDataStore implements IDataDeduplicator {
	private readonly lists = new Map<string, string[]>();

	private keyOf(scope: DeduplicationScope, { workflow, node }: ICheckProcessedContextData): string {
		if (scope === 'node' && !node) throw new Error("scope 'node' needs the node");
		return `${workflow.id}|${scope === 'node' ? `n:${node!.id}` : ''}`;
	}

	private static entriesMode(options: ICheckProcessedOptions): void {
		if (options.mode !== 'entries') throw new Error(`The test store keeps mode "entries" only, not "${options.mode}"`);
	}

	async checkProcessedAndRecord(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<IDeduplicationOutput> {
		ProcessedDataStore.entriesMode(options);
		const key = this.keyOf(scope, contextData);
		// As in n8n's database: the list is read, extended and written back, with a wait in between.
		const stored = [...(this.lists.get(key) ?? [])];
		await new Promise((resolve) => setImmediate(resolve));
		const seen = new Set(stored);
		const output: IDeduplicationOutput = { new: [], processed: [] };
		for (const item of items) {
			if (seen.has(String(item))) output.processed.push(item);
			else {
				output.new.push(item);
				stored.push(String(item));
			}
		}
		if (options.maxEntries) stored.splice(0, Math.max(0, stored.length - options.maxEntries));
		this.lists.set(key, stored);
		return output;
	}

	async removeProcessed(
		items: DeduplicationItemTypes[],
		scope: DeduplicationScope,
		contextData: ICheckProcessedContextData,
		options: ICheckProcessedOptions,
	): Promise<void> {
		ProcessedDataStore.entriesMode(options);
		const key = this.keyOf(scope, contextData);
		const removed = new Set(items.map(String));
		this.lists.set(key, (this.lists.get(key) ?? []).filter((value) => !removed.has(value)));
	}

	async clearAllProcessedItems(scope: DeduplicationScope, contextData: ICheckProcessedContextData): Promise<void> {
		this.lists.delete(this.keyOf(scope, contextData));
	}

	async getProcessedDataCount(scope: DeduplicationScope, contextData: ICheckProcessedContextData): Promise<number> {
		return this.lists.get(this.keyOf(scope, contextData))?.length ?? 0;
	}
}

/** Gives n8n-core its processed-items store; n8n-core takes one per module registry, that is per test file. */
export async function useProcessedDataStore(): Promise<void> {
	await DataDeduplicationService.init(new ProcessedDataStore());
}
