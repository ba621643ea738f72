/**
 * Agent sign-in sessions in the store, so any instance (and a restart) honours them. The cookie
 * holds a random 256-bit token; the table keeps only its SHA-256, so reading the table gives no
 * one a session. Each session has its own CSRF token and a fixed expiry.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { Db } from '../../store/database.js';
import type { Agent } from '../../services/handoff/types.js';
import type { AgentAccounts } from './accounts.js';

export interface Session {
  agent: Agent;
  csrfToken: string;
  expiresAt: number;
}

const hash = (token: string) => createHash('sha256').update(token).digest('hex');

export class AgentSessions {
  constructor(
    private readonly db: Db,
    private readonly accounts: AgentAccounts,
    private readonly ttlMs: number,
  ) {}

  async create(agent: Agent, now: number): Promise<{ token: string; session: Session }> {
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const expiresAt = now + this.ttlMs;
    await this.db
      .insertInto('agent_sessions')
      .values({
        id_hash: hash(token),
        agent_id: agent.id,
        csrf_token: csrfToken,
        created_at: now,
        expires_at: expiresAt,
      })
      .execute();
    return { token, session: { agent, csrfToken, expiresAt } };
  }

  async find(token: string | undefined, now: number): Promise<Session | null> {
    if (!token || token.length > 100) return null;
    const row = await this.db
      .selectFrom('agent_sessions')
      .selectAll()
      .where('id_hash', '=', hash(token))
      .executeTakeFirst();
    if (!row || row.expires_at <= now) return null;
    const agent = await this.accounts.get(row.agent_id);
    return agent ? { agent, csrfToken: row.csrf_token, expiresAt: row.expires_at } : null;
  }

  async destroy(token: string): Promise<void> {
    await this.db.deleteFrom('agent_sessions').where('id_hash', '=', hash(token)).execute();
  }

  async purgeExpired(now: number): Promise<void> {
    await this.db.deleteFrom('agent_sessions').where('expires_at', '<=', now).execute();
  }
}

/** Constant-time comparison of a presented CSRF token with the session's. */
export function csrfMatches(presented: string | undefined, expected: string): boolean {
  if (!presented) return false;
  const a = Buffer.from(presented);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
