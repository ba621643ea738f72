/**
 * Who is calling: the council's web backend with the Direct Line secret, or a resident's Web
 * Chat with a token for one conversation. Refusals follow Direct Line 3.0: no credentials 401,
 * a bad, expired or wrong-conversation token 403.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { Errors } from '../errors.js';
import { TokenError, type TokenClaims, type TokenService } from './tokens.js';

export type Caller = { kind: 'secret' } | { kind: 'token'; claims: TokenClaims };

export class Credentials {
  private readonly secretDigest: Buffer | undefined;

  constructor(
    private readonly tokens: TokenService,
    secret: string | undefined,
  ) {
    this.secretDigest = secret ? digest(secret) : undefined;
  }

  /** Reads `Authorization: Bearer …`; throws a DirectLineError when it grants nothing. */
  async authenticate(authorization: string | undefined): Promise<Caller> {
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const bearer = match?.[1];
    if (!bearer) throw Errors.missingAuthorization();
    // Compared as digests so the comparison takes the same time whatever the length.
    if (this.secretDigest && timingSafeEqual(digest(bearer), this.secretDigest)) return { kind: 'secret' };
    try {
      return { kind: 'token', claims: await this.tokens.verify(bearer, 'conversation') };
    } catch (error) {
      if (error instanceof TokenError && error.reason === 'expired') throw Errors.tokenExpired();
      throw Errors.tokenInvalid();
    }
  }

  /** A token opens its own conversation only; the secret opens any. */
  static assertAccess(caller: Caller, conversationId: string): void {
    if (caller.kind === 'token' && caller.claims.conv !== conversationId) throw Errors.forbidden();
  }
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
