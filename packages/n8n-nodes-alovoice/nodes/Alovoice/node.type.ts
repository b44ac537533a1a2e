import type { AllEntities } from 'n8n-workflow';

/** The Alovoice node's resources and each one's operations: the router and each resource's index are checked against it. */
export type AlovoiceMap = {
	callAnalysis: 'analyzeAndWait' | 'getResult' | 'send';
};

export type AlovoiceType = AllEntities<AlovoiceMap>;
