import type {
	ICredentialDataDecryptedObject,
	ICredentialType,
	ICredentials,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	IRequestOptionsSimplified,
} from 'n8n-workflow';
import { ICredentialsHelper, NodeHelpers } from 'n8n-workflow';

import { AlovoiceApi } from '../../packages/n8n-nodes-alovoice/credentials/AlovoiceApi.credentials';
import { OmiCallApi } from '../../credentials/OmiCallApi.credentials';

export const credentialTypes: Record<string, ICredentialType> = {
	omiCallApi: new OmiCallApi(),
	alovoiceApi: new AlovoiceApi(),
};

interface StoredCredential {
	id: string;
	name: string;
	type: string;
	data: ICredentialDataDecryptedObject;
}

/**
 * n8n's own credentials helper lives in the n8n server package, so the tests
 * carry this one. It follows what the server does with a credential type:
 * defaults filled in from the type's properties, `authenticate` applied to
 * each request, and `preAuthentication` run when its expirable field is
 * empty, when the request answered 401, or when the credential is tested —
 * with the result saved back, as n8n saves it to its database.
 */
export class TestCredentialsHelper extends ICredentialsHelper {
	private readonly store = new Map<string, StoredCredential>();

	/** How often preAuthentication ran, per credential id: tests read it. */
	readonly preAuthenticationRuns = new Map<string, number>();

	/** How often a node asked for a credential decrypted, per credential ID: on n8n 2.x an expression isolate each. */
	readonly decryptions = new Map<string, number>();

	add(credential: StoredCredential): INodeCredentialsDetails {
		this.store.set(credential.id, { ...credential, data: { ...credential.data } });
		return { id: credential.id, name: credential.name };
	}

	stored(id: string): ICredentialDataDecryptedObject {
		const credential = this.store.get(id);
		if (!credential) throw new Error(`No test credential with id ${id}`);
		return credential.data;
	}

	getParentTypes(): string[] {
		return [];
	}

	/** n8n 2.x asks before every credential read; none of these types restricts its nodes. */
	isCredentialUsableByNode(): boolean {
		return true;
	}

	async authenticate(
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		requestOptions: IHttpRequestOptions | IRequestOptionsSimplified,
	): Promise<IHttpRequestOptions> {
		const authenticate = this.type(typeName).authenticate;
		if (authenticate === undefined) return requestOptions as IHttpRequestOptions;
		if (typeof authenticate !== 'function') {
			throw new Error(`The test helper only applies function-style authenticate (type ${typeName})`);
		}
		return await authenticate(credentials, requestOptions as IHttpRequestOptions);
	}

	async preAuthentication(
		helpers: IHttpRequestHelper,
		credentials: ICredentialDataDecryptedObject,
		typeName: string,
		node: INode,
		credentialsExpired: boolean,
	): Promise<ICredentialDataDecryptedObject | undefined> {
		const type = this.type(typeName);
		const expirable = type.properties.find(
			(property) => property.type === 'hidden' && property.typeOptions?.expirable === true,
		);
		if (!expirable || typeof type.preAuthentication !== 'function') return undefined;
		const isTestingCredentials = node.parameters?.temp === '' && node.type === 'n8n-nodes-base.noOp';
		if (credentials[expirable.name] !== '' && !credentialsExpired && !isTestingCredentials) return undefined;

		const output = await type.preAuthentication.call(helpers, credentials);
		if (output[expirable.name] === undefined) return undefined;
		const details = node.credentials?.[typeName];
		if (details?.id) {
			this.preAuthenticationRuns.set(details.id, (this.preAuthenticationRuns.get(details.id) ?? 0) + 1);
			await this.updateCredentials(details, typeName, Object.assign(credentials, output));
		}
		return Object.assign(credentials, output);
	}

	async getCredentials(): Promise<ICredentials> {
		throw new Error('getCredentials is not used by these nodes');
	}

	async getDecrypted(
		_additionalData: unknown,
		nodeCredentials: INodeCredentialsDetails,
		type: string,
	): Promise<ICredentialDataDecryptedObject> {
		const stored = this.stored(nodeCredentials.id ?? '');
		this.decryptions.set(nodeCredentials.id ?? '', (this.decryptions.get(nodeCredentials.id ?? '') ?? 0) + 1);
		const withDefaults = NodeHelpers.getNodeParameters(
			this.type(type).properties,
			stored as never,
			true,
			false,
			null,
			null,
		);
		return { ...(withDefaults as ICredentialDataDecryptedObject) };
	}

	async updateCredentials(
		nodeCredentials: INodeCredentialsDetails,
		_type: string,
		data: ICredentialDataDecryptedObject,
	): Promise<void> {
		const credential = this.store.get(nodeCredentials.id ?? '');
		if (credential) credential.data = { ...data };
	}

	async updateCredentialsOauthTokenData(): Promise<void> {
		throw new Error('No OAuth credentials in this package');
	}

	getCredentialsProperties(type: string): INodeProperties[] {
		return this.type(type).properties;
	}

	private type(name: string): ICredentialType {
		const type = credentialTypes[name];
		if (!type) throw new Error(`Unknown credential type ${name}`);
		return type;
	}
}
