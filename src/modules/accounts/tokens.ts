import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import type { Principal, Role } from '../../platform/http/access.js';

const ISSUER = 'barberpro';
const AUDIENCE = 'barberpro-api';
const ROLES: readonly Role[] = ['customer', 'provider', 'admin'];

/** Short-lived signed access tokens; refresh tokens are opaque and stored only as hashes. */
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    private readonly accessTtlSeconds: number,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issueAccessToken(principal: Principal, now: Date): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(now.getTime() / 1000);
    const exp = iat + this.accessTtlSeconds;
    const token = await new SignJWT({ role: principal.role })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(principal.userId)
      .setIssuer(ISSUER)
      .setAudience(AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async verifyAccessToken(token: string, now: Date = new Date()): Promise<Principal | null> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: ISSUER,
        audience: AUDIENCE,
        algorithms: ['HS256'],
        currentDate: now,
      });
      const role = payload['role'];
      if (typeof payload.sub !== 'string' || !ROLES.includes(role as Role)) return null;
      return { userId: payload.sub, role: role as Role };
    } catch (error) {
      if (error instanceof joseErrors.JOSEError) return null;
      throw error;
    }
  }
}

const OAUTH_STATE_AUDIENCE = 'mercadopago-oauth-state';

/**
 * The `state` of a MercadoPago account link: which shop and which owner started it, signed
 * and short-lived, so a callback cannot link an account to a shop its caller doesn't own.
 */
export class OAuthStateSigner {
  private readonly key: Uint8Array;
  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async sign(claims: { shopId: string; userId: string }, now: Date): Promise<string> {
    const iat = Math.floor(now.getTime() / 1000);
    return new SignJWT({ shopId: claims.shopId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.userId)
      .setAudience(OAUTH_STATE_AUDIENCE)
      .setIssuedAt(iat)
      .setExpirationTime(iat + 15 * 60)
      .sign(this.key);
  }

  async verify(state: string, now: Date): Promise<{ shopId: string; userId: string } | null> {
    try {
      const { payload } = await jwtVerify(state, this.key, { audience: OAUTH_STATE_AUDIENCE, algorithms: ['HS256'], currentDate: now });
      return typeof payload['shopId'] === 'string' && typeof payload.sub === 'string' ? { shopId: payload['shopId'], userId: payload.sub } : null;
    } catch {
      return null;
    }
  }
}

export function newRefreshToken(): string {
  return randomBytes(32).toString('base64url');
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
