// The operations reference in docs/ is rendered from the built nodes and credentials
// (scripts/docs.ts, `npm run docs`). These tests fail when a committed page differs from what
// the build renders: a parameter added, renamed or removed without regenerating the docs.
import type { INodeProperties } from 'n8n-workflow';

import { loadDescriptions, renderPages } from '../scripts/docs';

describe('the generated operations reference (npm run docs)', () => {
	it('every docs page matches what the built nodes and credentials render', () => {
		const stale = renderPages()
			.filter((page) => page.committed !== page.rendered)
			.map((page) => page.path);
		// A failure here: run `npm run docs` and commit the pages it updates.
		expect(stale).toEqual([]);
	});

	it('sees a parameter that a node gains without its docs', () => {
		const extra: INodeProperties = { displayName: 'Brand New', name: 'brandNew', type: 'string', default: '' };
		const pages = renderPages((folder) =>
			loadDescriptions(folder).map((described) =>
				described.name === 'omiCallTrigger' ? { ...described, properties: [...described.properties, extra] } : described,
			),
		);
		const stale = pages.filter((page) => page.committed !== page.rendered);
		expect(stale.map((page) => page.path)).toEqual(['docs/omicall-trigger.md']);
		expect(stale[0].rendered).toContain('**Brand New** `brandNew`');
	});

	it('refuses a node or credential that has no generated section on any page', () => {
		expect(() =>
			renderPages((folder) => [
				...loadDescriptions(folder),
				{ kind: 'node', name: 'undocumentedNode', displayName: 'Undocumented', properties: [] },
			]),
		).toThrow(/no page under .*docs has a generated section for node undocumentedNode/i);
	});
});
