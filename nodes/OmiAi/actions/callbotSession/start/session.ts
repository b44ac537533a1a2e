import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

import { textParameter } from '../../../../shared/parameters';
import { executeByPhone } from '../../../../omi/callbot';
import type { OmiAnswer } from '../../../../omi/transport';
import { omiAnswerWarnings } from '../../../../omi/answerFields';
import type { Contact } from './contacts';
import type { PhoneError } from './errorLinking';
import { linkErrorsToItems } from './errorLinking';
import { epochMs } from './sendTime';

/** Where each option goes in OMI's body (docs/omi-api.md §3.1). */
const OPTION_FIELDS = {
	retries: 'num_retry',
	callsPerBatch: 'num_per_call',
	delayBetweenBatches: 'distance_per_call',
	delayBetweenRetries: 'distance_retry',
} as const;

interface StartOptions extends Partial<Record<keyof typeof OPTION_FIELDS, number>> {
	externalSessionId?: string;
	/** Text from the date picker, or whatever an expression gave. */
	sendAt?: unknown;
}

/** The started session as docs/omi-api.md §3.1 shows it. */
const STARTED_SESSION = {
	bot_script_id: true,
	autocall_id: true,
	errors: { '[]': { phone: true, error_code: true, message: true } },
} as const;

interface StartedSession {
	bot_script_id: string;
	autocall_id: string;
	errors?: PhoneError[];
}

/**
 * Starts one session with the given contacts; the session's settings come
 * from `settingsIndex`, the item whose parameters describe the session.
 */
export async function startSession(
	this: IExecuteFunctions,
	contacts: Contact[],
	settingsIndex: number,
	defaultExternalSessionId: string,
): Promise<IDataObject> {
	const options = this.getNodeParameter('options', settingsIndex, {}) as StartOptions;
	const callingNumber = textParameter.call(this, 'callingNumber', settingsIndex);
	const sessionName = textParameter.call(this, 'sessionName', settingsIndex);
	const externalSessionId = options.externalSessionId?.trim() || defaultExternalSessionId;

	const body: IDataObject = {
		contact_info: contacts.map((contact) => contact.info),
		bot_script_id: this.getNodeParameter('scriptId', settingsIndex, '', { extractValue: true }) as string,
		voice: this.getNodeParameter('voice', settingsIndex) as string,
		speed: this.getNodeParameter('speed', settingsIndex) as number,
		ext_session_id: externalSessionId,
	};
	if (sessionName) body.name = sessionName;
	if (callingNumber) body.cid = callingNumber;
	for (const [option, field] of Object.entries(OPTION_FIELDS)) {
		const value = options[option as keyof typeof OPTION_FIELDS];
		if (value !== undefined) body[field] = value;
	}
	if (options.sendAt !== undefined && options.sendAt !== '') body.send_time = epochMs.call(this, options.sendAt, settingsIndex);

	const { payload: session, answer } = (await executeByPhone.call(this, body, callingNumber)) as OmiAnswer<StartedSession>;
	return {
		autocall_id: session.autocall_id,
		bot_script_id: session.bot_script_id,
		ext_session_id: externalSessionId,
		contactsSent: contacts.length,
		errors: linkErrorsToItems(session.errors ?? [], contacts),
		// Whatever else OMI said about the session reaches the workflow too.
		omiAnswer: answer,
		...omiAnswerWarnings(answer, STARTED_SESSION),
	};
}
