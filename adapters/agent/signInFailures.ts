/**
 * Agent sign-in lock-out: after `allowed` wrong passwords for a username within `windowMs`,
 * further attempts are refused until the window passes. Counted in the database with one
 * atomic upsert, so every instance (and a restarted one) sees the same count and two guesses
 * racing on different instances both count.
 */
import { sql } from 'kysely';
import type { Db } from '../../store/database.js';

export class SignInFailures {
  constructor(
    private readonly db: Db,
    private readonly allowed = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}

  async isLockedOut(username: string, at: number): Promise<boolean> {
    const row = await this.db.selectFrom('agent_sign_in_failures').select(['failures', 'since']).where('username', '=', username).executeTakeFirst();
    return row !== undefined && at - row.since < this.windowMs && row.failures >= this.allowed;
  }

  /** Counts a wrong password; a failure after the window has passed starts a new window. */
  async record(username: string, at: number): Promise<void> {
    const windowStart = at - this.windowMs;
    await this.db
      .insertInto('agent_sign_in_failures')
      .values({ username, failures: 1, since: at })
      .onConflict((oc) =>
        oc.column('username').doUpdateSet({
          failures: sql<number>`CASE WHEN agent_sign_in_failures.since <= ${windowStart} THEN 1 ELSE agent_sign_in_failures.failures + 1 END`,
          since: sql<number>`CASE WHEN agent_sign_in_failures.since <= ${windowStart} THEN ${at} ELSE agent_sign_in_failures.since END`,
        }),
      )
      .execute();
  }

  async clear(username: string): Promise<void> {
    await this.db.deleteFrom('agent_sign_in_failures').where('username', '=', username).execute();
  }

  /** Forgets windows that have passed (run with the other periodic clean-ups). */
  async purge(at: number): Promise<void> {
    await this.db.deleteFrom('agent_sign_in_failures').where('since', '<=', at - this.windowMs).execute();
  }
}
