import type { INodeProperties } from 'n8n-workflow';

export const callIdField: INodeProperties = {
	displayName: 'Call ID',
	name: 'callId',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'e.g. 664b400ccccc3235a7cd17f',
	description: 'The ID of the recorded call in Alovoice',
};

export const simplifyField: INodeProperties = {
	displayName: 'Simplify',
	name: 'simplify',
	type: 'boolean',
	default: true,
	description:
		'Whether to return a simplified version of the response instead of the raw data: the transcript with agent and customer in seconds, a readable text, and the rules split into fired and not fired',
};

/**
 * How long and how often to ask for the result, and for how many calls at
 * a time, for every operation that waits for it. The defaults are those of
 * WAIT_DEFAULTS, which applies them when an option is left out.
 */
export const waitOptionsField: INodeProperties = {
	displayName: 'Wait Options',
	name: 'waitOptions',
	type: 'collection',
	placeholder: 'Add Option',
	default: {},
	options: [
		{
			displayName: 'Backoff Factor',
			name: 'backoffFactor',
			type: 'number',
			typeOptions: { minValue: 1, numberPrecision: 2 },
			default: 1.5,
			description: 'Each pause between two polls is this many times longer than the one before',
		},
		{
			displayName: 'Concurrency',
			name: 'concurrency',
			type: 'number',
			typeOptions: { minValue: 1, maxValue: 50 },
			default: 5,
			description: 'How many calls to wait for at the same time. The output keeps the input order.',
		},
		{
			displayName: 'Max Wait (Seconds)',
			name: 'maxWaitSeconds',
			type: 'number',
			typeOptions: { minValue: 0, numberPrecision: 2 },
			default: 600,
			description: 'How long to wait for the analysis before the item fails with a timeout',
		},
		{
			displayName: 'Poll Interval (Seconds)',
			name: 'pollIntervalSeconds',
			type: 'number',
			// A zero pause with any backoff stays zero: a tight loop against Alovoice.
			typeOptions: { minValue: 0.01, numberPrecision: 2 },
			default: 10,
			description: 'The pause before the second poll; later pauses grow by the backoff factor',
		},
	],
};
