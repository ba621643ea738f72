/** Contact-centre agents' accounts in the store (agent_accounts, migration 006; availability 010). */
import { randomUUID } from 'node:crypto';
import type { Db } from '../../store/database.js';
import { isUniqueViolation } from '../../store/references.js';
import type { Agent, AgentRole } from '../../services/handoff/types.js';
import { DUMMY_HASH, MIN_PASSWORD_LENGTH, hashPassword, verifyPassword } from './passwords.js';

/** An account row as the handoff service sees it (never the password hash). */
function toAgent(row: { id: string; username: string; display_name: string; role?: string }): Agent {
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    role: row.role === 'supervisor' ? 'supervisor' : 'agent',
  };
}

export const AVAILABILITIES = ['available', 'busy', 'away'] as const;
export type Availability = (typeof AVAILABILITIES)[number];

export function isAvailability(value: unknown): value is Availability {
  return typeof value === 'string' && (AVAILABILITIES as readonly string[]).includes(value);
}

export const USERNAME = /^[a-z0-9][a-z0-9._-]{1,62}$/;

export class AgentAccounts {
  constructor(private readonly db: Db) {}

  /** Creates an account, or sets a new password when `replace` and it exists. */
  async add(
    username: string,
    password: string,
    options: { displayName?: string; replace?: boolean; now?: number; role?: AgentRole } = {},
  ): Promise<Agent> {
    const name = username.trim().toLowerCase();
    if (!USERNAME.test(name))
      throw new Error('Usernames are 2-63 lower-case letters, digits, dots, dashes or underscores.');
    if (password.length < MIN_PASSWORD_LENGTH)
      throw new Error(`Passwords must be at least ${MIN_PASSWORD_LENGTH} characters.`);
    const hash = await hashPassword(password);
    const displayName = (options.displayName ?? name).trim().slice(0, 100) || name;
    const now = options.now ?? Date.now();
    const role = options.role ?? 'agent';
    try {
      const id = randomUUID();
      await this.db
        .insertInto('agent_accounts')
        .values({
          id,
          username: name,
          display_name: displayName,
          password_hash: hash,
          created_at: now,
          disabled_at: null,
          role,
        })
        .execute();
      return { id, username: name, displayName, role };
    } catch (error) {
      if (!isUniqueViolation(error) || !options.replace) throw error;
      await this.db
        .updateTable('agent_accounts')
        .set({ password_hash: hash, display_name: displayName, disabled_at: null, role })
        .where('username', '=', name)
        .execute();
      const agent = await this.byUsername(name);
      if (!agent) throw error;
      return agent;
    }
  }

  /** The agent when the password matches an enabled account; the same work either way. */
  async verify(username: string, password: string): Promise<Agent | null> {
    const row = await this.db
      .selectFrom('agent_accounts')
      .selectAll()
      .where('username', '=', username.trim().toLowerCase())
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    const ok = await verifyPassword(password, row?.password_hash ?? DUMMY_HASH);
    return row && ok ? toAgent(row) : null;
  }

  async get(id: string): Promise<Agent | null> {
    const row = await this.db
      .selectFrom('agent_accounts')
      .selectAll()
      .where('id', '=', id)
      .where('disabled_at', 'is', null)
      .executeTakeFirst();
    return row ? toAgent(row) : null;
  }

  async byUsername(username: string): Promise<Agent | null> {
    const row = await this.db
      .selectFrom('agent_accounts')
      .selectAll()
      .where('username', '=', username.trim().toLowerCase())
      .executeTakeFirst();
    return row ? toAgent(row) : null;
  }

  async list(): Promise<Agent[]> {
    const rows = await this.db
      .selectFrom('agent_accounts')
      .selectAll()
      .where('disabled_at', 'is', null)
      .orderBy('username')
      .execute();
    return rows.map(toAgent);
  }

  async availability(id: string): Promise<Availability> {
    const row = await this.db
      .selectFrom('agent_accounts')
      .select('availability')
      .where('id', '=', id)
      .executeTakeFirst();
    return isAvailability(row?.availability) ? row.availability : 'available';
  }

  async setAvailability(id: string, availability: Availability): Promise<void> {
    await this.db.updateTable('agent_accounts').set({ availability }).where('id', '=', id).execute();
  }

  /** Agents signed in now and available to take a resident: what the queue's estimate divides by. */
  async availableNow(now: number): Promise<number> {
    const row = await this.db
      .selectFrom('agent_accounts')
      .innerJoin('agent_sessions', 'agent_sessions.agent_id', 'agent_accounts.id')
      .select((eb) => eb.fn.count<number | string>('agent_accounts.id').distinct().as('n'))
      .where('agent_accounts.availability', '=', 'available')
      .where('agent_accounts.disabled_at', 'is', null)
      .where('agent_sessions.expires_at', '>', now)
      .executeTakeFirst();
    return Number(row?.n ?? 0);
  }

  /** Disables an account and ends its sessions. */
  async disable(username: string, now = Date.now()): Promise<boolean> {
    const agent = await this.byUsername(username);
    if (!agent) return false;
    await this.db.updateTable('agent_accounts').set({ disabled_at: now }).where('id', '=', agent.id).execute();
    await this.db.deleteFrom('agent_sessions').where('agent_id', '=', agent.id).execute();
    return true;
  }
}
