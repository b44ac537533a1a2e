// Lint for what ships: nodes/, credentials/ and package.json, with both rule sets
// that n8n applies to community packages, and no-console. n8n's scanner ignores
// eslint-disable comments, so this lint does too. `npm run lint` then runs the
// scanner's own lint (scripts/scanner-lint.mjs), which is what n8n's verification runs.
import tsParser from '@typescript-eslint/parser';
import n8nNodesBase from 'eslint-plugin-n8n-nodes-base';
import { n8nCommunityNodesPlugin } from '@n8n/eslint-plugin-community-nodes';

const legacy = n8nNodesBase.configs;

export default [
	{
		ignores: ['**/dist/**', 'node_modules/**', 'sandbox/**', 'test/**', 'bench/**', 'e2e/**', 'scripts/**'],
	},
	{
		files: ['**/*.ts', '**/package.json'],
		languageOptions: {
			parser: tsParser,
			parserOptions: { sourceType: 'module', extraFileExtensions: ['.json'] },
		},
	},
	{ files: ['**/*.ts', '**/package.json'], ...n8nCommunityNodesPlugin.configs.recommended },
	{
		files: ['**/*.ts', '**/package.json'],
		linterOptions: { noInlineConfig: true },
		rules: { 'no-console': 'error' },
	},
	{
		files: ['**/package.json'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: legacy.community.rules,
	},
	{
		files: ['credentials/**/*.ts', 'packages/*/credentials/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...legacy.credentials.rules,
			// Its own docs say it only applies to n8n's main repository; community
			// credentials link to a full URL, which the newer plugin requires.
			'n8n-nodes-base/cred-class-field-documentation-url-miscased': 'off',
		},
	},
	{
		files: ['nodes/**/*.ts', 'packages/*/nodes/**/*.ts'],
		plugins: { 'n8n-nodes-base': n8nNodesBase },
		rules: {
			...legacy.nodes.rules,
			// These ask for the string 'main', which the newer plugin's
			// node-connection-type-literal forbids in favour of NodeConnectionTypes.
			'n8n-nodes-base/node-class-description-inputs-wrong-regular-node': 'off',
			'n8n-nodes-base/node-class-description-inputs-wrong-trigger-node': 'off',
			'n8n-nodes-base/node-class-description-outputs-wrong': 'off',
		},
	},
];
