/**
 * Direct Line tokens: HS256 JWTs signed with the server's key. A conversation token lets
 * its holder use one conversation only (`conv`); `user` is the resident's id, which Web Chat
 * reads from the token. Stream tokens go in the WebSocket URL, where proxies may log them, so
 * they are short-lived and rejected anywhere else.
 */
import { SignJWT, jwtVerify, errors } from 'jose';

export const TOKEN_ISSUER = 'council-assistant/directline';

export type TokenScope = 'conversation' | 'stream';

export interface TokenClaims {
  conv: string;
  user: string;
  /** Display name the resident's page gave, if any; never logged. */
  name?: string;
  scope: TokenScope;
  /** Expiry, epoch seconds. */
  exp: number;
  /**
   * When the first token of this line was issued, epoch seconds. Refreshes carry it forward,
   * so a conversation's tokens cannot be renewed for ever.
   */
  born: number;
}

export type TokenFailure = 'expired' | 'invalid';

export class TokenError extends Error {
  constructor(readonly reason: TokenFailure) {
    super(reason === 'expired' ? 'The token has expired.' : 'The token is not valid.');
    this.name = 'TokenError';
  }
}

/** Tokens remembered as verified (oldest forgotten first): a few per conversation in progress. */
const VERIFIED_TOKENS_KEPT = 10_000;

export class TokenService {
  private readonly verified = new Map<string, TokenClaims>();

  constructor(
    private readonly key: Uint8Array,
    private readonly now: () => number = Date.now,
  ) {
    if (key.byteLength < 32) throw new Error('Direct Line token signing key must be at least 32 bytes');
  }

  async sign(
    claims: { conv: string; user: string; name?: string; scope: TokenScope; born?: number },
    ttlSeconds: number,
  ): Promise<string> {
    const issuedAt = Math.floor(this.now() / 1000);
    const payload: Record<string, string | number> = {
      conv: claims.conv,
      user: claims.user,
      scope: claims.scope,
      born: claims.born ?? issuedAt,
    };
    if (claims.name) payload.name = claims.name;
    return new SignJWT(payload)
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setIssuer(TOKEN_ISSUER)
      .setIssuedAt(issuedAt)
      .setExpirationTime(issuedAt + ttlSeconds)
      .sign(this.key);
  }

  /**
   * Verifies signature, issuer and expiry; throws TokenError. Web Chat sends the same token with
   * every request of a conversation, and checking an HMAC through WebCrypto costs more than the
   * rest of a request, so a token once verified is remembered (by its exact text) until it
   * expires; its expiry and scope are still checked on every use.
   */
  async verify(token: string, scope: TokenScope): Promise<TokenClaims> {
    const known = this.verified.get(token);
    if (known) {
      if (known.exp * 1000 <= this.now()) {
        this.verified.delete(token);
        throw new TokenError('expired');
      }
      if (known.scope !== scope) throw new TokenError('invalid');
      return known;
    }
    const claims = await this.verifyAfresh(token, scope);
    if (this.verified.size >= VERIFIED_TOKENS_KEPT) this.verified.delete(this.verified.keys().next().value as string);
    this.verified.set(token, claims);
    return claims;
  }

  private async verifyAfresh(token: string, scope: TokenScope): Promise<TokenClaims> {
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: ['HS256'],
        issuer: TOKEN_ISSUER,
        currentDate: new Date(this.now()),
        clockTolerance: 0,
      });
      const { conv, user, name, exp, born, iat } = payload;
      if (typeof conv !== 'string' || typeof user !== 'string' || typeof exp !== 'number' || payload.scope !== scope) {
        throw new TokenError('invalid');
      }
      // Tokens from before `born` existed count from their own issue time.
      const bornAt = typeof born === 'number' ? born : typeof iat === 'number' ? iat : 0;
      return Object.freeze({ conv, user, scope, exp, born: bornAt, ...(typeof name === 'string' ? { name } : {}) });
    } catch (error) {
      if (error instanceof TokenError) throw error;
      if (error instanceof errors.JWTExpired) throw new TokenError('expired');
      throw new TokenError('invalid');
    }
  }
}
