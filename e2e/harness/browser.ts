// The n8n editor in a real browser: Debian's Chromium (installed by
// e2e/scripts/install-browser.sh) driven by playwright-core. Every step of a
// browser test saves a screenshot, so that a failure can be seen, not only read.
//
//   const editor = await openEditor(n8n, 'e2e/.runtime/editor-n8n2');
//   await editor.shot('after-login');
//   await editor.close();
import * as fs from 'node:fs';
import * as path from 'node:path';

import { type BrowserContext, type Page, chromium, selectors } from 'playwright-core';

import type { N8nServer } from './n8nServer';
import { removeTempFolder, tempFolder } from './n8nServer';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * How long a browser step waits for what it needs (an element, a page): long enough for a busy
 * machine (load 5 to 6 on 2 cores made n8n's node panel take over 30 s). E2E_BROWSER_TIMEOUT_MS sets it.
 */
export const BROWSER_TIMEOUT_MS = Number(process.env.E2E_BROWSER_TIMEOUT_MS ?? 120_000);

// GUIDE.md's launch flags: no GPU, no QUIC, nothing that calls home.
// n8n's editor marks its elements with data-test-id, which getByTestId() then finds.
selectors.setTestIdAttribute('data-test-id');

const CHROMIUM_FLAGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];

export interface Editor {
	page: Page;
	/** Where this run's screenshots go. */
	shotsDir: string;
	/** Saves a numbered full-page screenshot named after the step; returns its path. */
	shot(name: string): Promise<string>;
	close(): Promise<void>;
}

/**
 * Chromium on a fresh profile, signed in to n8n through its sign-in page as a
 * user does (the harness's owner account), with the editor's first-run
 * surveys and tips dismissed by what a user clicks.
 */
export async function openEditor(n8n: Pick<N8nServer, 'baseUrl' | 'login'>, shotsDir: string): Promise<Editor> {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run e2e/scripts/install-browser.sh`);
	fs.rmSync(shotsDir, { recursive: true, force: true });
	fs.mkdirSync(shotsDir, { recursive: true });
	const profile = tempFolder('omicall-e2e-chromium-');
	let context: BrowserContext | undefined;
	try {
		// A persistent context is how playwright takes the fresh --user-data-dir.
		context = await chromium.launchPersistentContext(profile, {
			executablePath: CHROMIUM,
			args: CHROMIUM_FLAGS,
			headless: true,
			viewport: { width: 1440, height: 900 },
		});
		context.setDefaultTimeout(BROWSER_TIMEOUT_MS);
		context.setDefaultNavigationTimeout(BROWSER_TIMEOUT_MS);
		const page = context.pages()[0] ?? (await context.newPage());
		let count = 0;
		const shot = async (name: string) => {
			count += 1;
			const file = path.join(shotsDir, `${String(count).padStart(2, '0')}-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.png`);
			await page.screenshot({ path: file });
			return file;
		};
		await page.goto(`${n8n.baseUrl}/signin`);
		await page.locator('input[type="email"]').fill(n8n.login.email);
		await page.locator('input[type="password"]').fill(n8n.login.password);
		await shot('sign-in');
		await page.locator('input[type="password"]').press('Enter');
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
		const opened = context;
		return {
			page,
			shotsDir,
			shot,
			close: async () => {
				await opened.close();
				removeTempFolder(profile);
			},
		};
	} catch (error) {
		await context?.close();
		removeTempFolder(profile);
		throw error;
	}
}
