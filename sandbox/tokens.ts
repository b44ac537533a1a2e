import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';

export type TokenCheck = 'valid' | 'missing' | 'invalid' | 'expired';

const base64url = (value: string | Buffer) => Buffer.from(value).toString('base64url');

/**
 * Issues JWT-shaped access tokens like OMI's /api/auth. The sandbox keeps its own
 * record of every token, so that expiry can be forced (expireAll) and a reset
 * turns old tokens into unknown ones, which a real server would answer the same way.
 */
export class TokenIssuer {
	/** Per process: a token from an earlier run must not pass as valid. */
	private readonly secret = randomBytes(32);
	private readonly issued = new Map<string, { expiresAt: number; forcedExpired: boolean }>();

	constructor(private readonly ttlMs: number) {}

	issue(now = Date.now()): string {
		const jti = randomUUID();
		const expiresAt = now + this.ttlMs;
		const header = base64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
		const payload = base64url(
			JSON.stringify({
				iss: 'omi-sandbox',
				sub: 'sandbox-tenant',
				jti,
				access_type: 'normal',
				iat: Math.floor(now / 1000),
				exp: Math.ceil(expiresAt / 1000),
			}),
		);
		this.issued.set(jti, { expiresAt, forcedExpired: false });
		return `${header}.${payload}.${this.sign(`${header}.${payload}`)}`;
	}

	/** Checks an Authorization header value ("Bearer <token>"). */
	check(authorization: string | undefined, now = Date.now()): TokenCheck {
		const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
		if (!match) return 'missing';
		const parts = match[1].split('.');
		if (parts.length !== 3) return 'invalid';
		const expected = Buffer.from(this.sign(`${parts[0]}.${parts[1]}`));
		const given = Buffer.from(parts[2]);
		if (expected.length !== given.length || !timingSafeEqual(expected, given)) return 'invalid';
		let jti: unknown;
		try {
			jti = (JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8')) as { jti?: unknown }).jti;
		} catch {
			return 'invalid';
		}
		const record = typeof jti === 'string' ? this.issued.get(jti) : undefined;
		if (!record) return 'invalid';
		// The stored millisecond deadline, not the JWT's whole-second `exp`, so tests can use short TTLs.
		if (record.forcedExpired || now >= record.expiresAt) return 'expired';
		return 'valid';
	}

	expireAll(): void {
		for (const record of this.issued.values()) record.forcedExpired = true;
	}

	clear(): void {
		this.issued.clear();
	}

	private sign(data: string): string {
		return createHmac('sha256', this.secret).update(data).digest('base64url');
	}
}
