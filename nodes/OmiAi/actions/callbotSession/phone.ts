import type { INode } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

/** Characters people type into phone numbers that OMI does not accept. */
const SEPARATORS = /[\s.\-()]/g;

/** Vietnamese numbers as OMI dials them: a leading 0, 9 to 11 digits in all. */
const DIALABLE = /^0\d{8,10}$/;

const PHONE_RULES =
	'A phone number is 0 followed by 8 to 10 digits. Spaces, dots, dashes and parentheses are removed, and +84 or 84 at the start becomes 0.';

export function normalisePhone(raw: string): string {
	const compact = raw.replace(SEPARATORS, '');
	if (compact.startsWith('+84')) return `0${compact.slice(3)}`;
	if (compact.startsWith('84')) return `0${compact.slice(2)}`;
	return compact;
}

/** The number as OMI wants it, or a NodeOperationError that says what is wrong with it. */
export function parsePhone(node: INode, raw: unknown): string {
	const text = raw === undefined || raw === null ? '' : String(raw).trim();
	if (text === '') {
		throw new NodeOperationError(node, 'No phone number', {
			description: "Give the input item a phone field, or map the Phone parameter to the field that holds the number, e.g. {{ $json.mobile }}.",
		});
	}
	const phone = normalisePhone(text);
	if (!DIALABLE.test(phone)) {
		throw new NodeOperationError(node, `The phone number "${text}" is not valid`, { description: PHONE_RULES });
	}
	return phone;
}
