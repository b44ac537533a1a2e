import type { IDataObject } from 'n8n-workflow';

import { type KnownFields, unknownFieldsOf } from '../shared/unknownFields';

/** The field of an operation's item that holds OMI's whole answer, as it came. */
export const OMI_ANSWER_FIELD = 'omiAnswer';

/** OMI's answer envelope (docs/omi-api.md §1, "The answer envelope"), with the fields its tooling shows. */
const envelopeKnowing = (payload: KnownFields): KnownFields => ({
	status_code: true,
	message: true,
	payload,
	instance_id: true,
	instance_version: true,
	key_enabled: true,
});

/**
 * The warnings for an item that carries OMI's whole answer in `omiAnswer`:
 * nothing is lost, but each field the node does not know is named, with
 * where it is kept. Empty when OMI sent only known fields.
 */
export function omiAnswerWarnings(answer: IDataObject | undefined, payload: KnownFields): { warnings?: string[] } {
	const { warnings } = unknownFieldsOf(answer, envelopeKnowing(payload), OMI_ANSWER_FIELD);
	return warnings.length > 0 ? { warnings } : {};
}
