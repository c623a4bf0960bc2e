import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import type { AccountRole } from '@orderline/gateway/domain';

export interface AccessTokenClaims {
  sub: string;
  role: AccountRole;
  merchantId?: string;
  buyerId?: string;
}

interface VerifiedToken {
  claims: AccessTokenClaims;
  /** The token's `exp`, in seconds since the epoch. */
  expiresAt: number;
}

/**
 * Bearer tokens, each verified once (issue 19). Whether a token's signature holds depends on
 * the token and the key alone, so its claims are kept and only its expiry is checked again on
 * later requests, the same way the verifier checks it (expired from its `exp` second on).
 * Everything that can change while a token lives (the account disabled, a grant withdrawn) is
 * not in the token: the guard reads it from AccountDirectory on every request. A token that
 * fails verification is not kept, so invalid tokens cannot fill the cache; valid ones are
 * signed by us and at most CAPACITY of them are kept, the oldest evicted first.
 */
@Injectable()
export class AccessTokens {
  static readonly CAPACITY = 10_000;
  private readonly verified = new Map<string, VerifiedToken>();

  constructor(private readonly jwt: JwtService) {}

  /** The claims of an `Authorization: Bearer …` header; undefined when missing, invalid or expired. */
  async claimsOf(authorization: string | undefined): Promise<AccessTokenClaims | undefined> {
    const [scheme, token] = (authorization ?? '').split(' ');
    if (scheme !== 'Bearer' || !token) return undefined;
    const nowSeconds = Math.floor(Date.now() / 1000);
    const known = this.verified.get(token);
    if (known) {
      if (nowSeconds < known.expiresAt) return known.claims;
      this.verified.delete(token);
      return undefined;
    }
    let payload: AccessTokenClaims & { exp?: unknown; nbf?: unknown };
    try {
      payload = await this.jwt.verifyAsync(token);
      Object.freeze(payload);
    } catch {
      return undefined;
    }
    // Only tokens as this gateway issues them are kept: with an expiry and no not-before.
    if (typeof payload.exp === 'number' && payload.nbf === undefined) {
      if (this.verified.size >= AccessTokens.CAPACITY) this.verified.delete(this.verified.keys().next().value as string);
      this.verified.set(token, { claims: payload, expiresAt: payload.exp });
    }
    return payload;
  }
}
