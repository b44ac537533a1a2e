import type { AllEntities } from 'n8n-workflow';

/** The OMI AI node's resources and each one's operations: the router and each resource's index are checked against it. */
export type OmiAiMap = {
	call: 'get' | 'getMany';
	callbotScript: 'get' | 'getMany';
	callbotSession: 'countCalls' | 'getAnalyzedLogs' | 'start';
	recording: 'analyzeCall' | 'transcribe';
	webhook: 'register';
};

export type OmiAiType = AllEntities<OmiAiMap>;
