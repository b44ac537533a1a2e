import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listScripts } from '../../omi/callbot';

export async function searchScripts(
	this: ILoadOptionsFunctions,
	filter?: string,
): Promise<INodeListSearchResult> {
	const scripts = await listScripts.call(this);
	const needle = filter?.trim().toLowerCase();
	const matching = needle
		? scripts.filter(
				(script) =>
					String(script.name ?? '').toLowerCase().includes(needle) ||
					String(script.id).toLowerCase().includes(needle),
			)
		: scripts;
	return {
		results: matching.map((script) => ({ name: String(script.name ?? script.id), value: String(script.id) })),
	};
}
