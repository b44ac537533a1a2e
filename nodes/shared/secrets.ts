/** Removes every occurrence of the given secrets from a text that may reach the user. */
export function redactSecrets(text: string, secrets: Array<string | undefined>): string {
	let clean = text;
	for (const secret of secrets) {
		if (secret && secret.length >= 4) clean = clean.split(secret).join('***');
	}
	return clean;
}
