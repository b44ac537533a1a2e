import type { IDataObject } from 'n8n-workflow';

import type { Contact } from './contacts';

export interface PhoneError extends IDataObject {
	phone: string;
	error_code: string;
	message: string;
}

/** Which input item each rejected phone came from; a phone listed twice is claimed in order. */
export function linkErrorsToItems(errors: PhoneError[], contacts: Contact[]): IDataObject[] {
	const unclaimed = [...contacts];
	return errors.map((error) => {
		const position = unclaimed.findIndex((contact) => contact.info.phone === error.phone);
		const [contact] = position === -1 ? [] : unclaimed.splice(position, 1);
		return { ...error, itemIndex: contact?.itemIndex ?? null };
	});
}

/** The items a session stood for, to name in its error: all of them when few, else the first, the last and how many. */
export function sessionItemsLabel(contacts: Contact[]): string {
	const indexes = contacts.map((contact) => contact.itemIndex);
	if (indexes.length === 1) return `item ${indexes[0]}`;
	if (indexes.length <= 5) return `items ${indexes.join(', ')}`;
	return `items ${indexes[0]} to ${indexes[indexes.length - 1]}, ${indexes.length} in all`;
}
