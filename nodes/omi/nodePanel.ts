/**
 * What the node panel says about the OMI AI entry. n8n's node panel merges a
 * trigger into the app node of the same name (omiAiTrigger into omiAi) and
 * shows the trigger's description for both (editor-ui nodeCreator
 * useActionsGeneration.ts, generateMergedNodesAndActions), so both nodes
 * carry this text, which is true of the entry's actions and triggers alike.
 */
export const OMI_NODE_CREATOR_DESCRIPTION =
	'Transcribe and analyze call recordings, run callBot campaigns, and start workflows when OMI finishes a result';
