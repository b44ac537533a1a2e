'use strict';
/**
 * Dev-only (bench): the smallest community webhook trigger, reading no
 * parameter and no credential. Each POST starts one execution with the
 * parsed body as its item. n8n 2.x treats every community trigger alike in
 * its webhook phase, so this is what any of them costs at least.
 */
class MinimalTrigger {
	description = {
		displayName: 'Bench Minimal Trigger',
		name: 'minimalTrigger',
		group: ['trigger'],
		version: 1,
		description: 'Dev-only: starts the workflow with the posted JSON body',
		defaults: { name: 'Bench Minimal Trigger' },
		inputs: [],
		outputs: ['main'],
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'minimal' }],
		properties: [],
	};

	async webhook() {
		return { workflowData: [[{ json: this.getBodyData() }]] };
	}
}

module.exports = { MinimalTrigger };
