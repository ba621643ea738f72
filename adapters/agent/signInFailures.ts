/**
 * Agent sign-in lock-out: at most `allowed` password checks for a username within `windowMs`
 * unless one succeeds. Every attempt is counted with one atomic upsert BEFORE its password is
 * checked, so however many guesses arrive at once, on however many instances, no more than
 * `allowed` passwords are ever compared: the rest are refused by their count alone.
 */
import { sql } from 'kysely';
import type { Db } from '../../store/database.js';

export class SignInFailures {
  constructor(
    private readonly db: Db,
    private readonly allowed = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}

  /**
   * Counts an attempt and says whether its password may be checked. `ticket` is what a
   * success later hands back to `succeeded`.
   */
  async begin(username: string, at: number): Promise<{ allowed: boolean; ticket: { count: number; since: number } }> {
    const windowStart = at - this.windowMs;
    const row = await this.db
      .insertInto('agent_sign_in_failures')
      .values({ username, failures: 1, since: at })
      .onConflict((oc) =>
        oc.column('username').doUpdateSet({
          failures: sql<number>`CASE WHEN agent_sign_in_failures.since <= ${windowStart} THEN 1 ELSE agent_sign_in_failures.failures + 1 END`,
          since: sql<number>`CASE WHEN agent_sign_in_failures.since <= ${windowStart} THEN ${at} ELSE agent_sign_in_failures.since END`,
        }),
      )
      .returning(['failures', 'since'])
      .executeTakeFirstOrThrow();
    const count = Number(row.failures);
    return { allowed: count <= this.allowed, ticket: { count, since: Number(row.since) } };
  }

  /**
   * The right password: forgets the attempts counted up to and including this one, but not
   * those that began after it (a success in the middle of a burst of guesses must not give the
   * rest of the burst a fresh allowance).
   */
  async succeeded(username: string, ticket: { count: number; since: number }): Promise<void> {
    await this.db
      .updateTable('agent_sign_in_failures')
      .set({ failures: sql<number>`CASE WHEN failures > ${ticket.count} THEN failures - ${ticket.count} ELSE 0 END` })
      .where('username', '=', username)
      .where('since', '=', ticket.since)
      .execute();
  }

  /** Forgets windows that have passed (run with the other periodic clean-ups). */
  async purge(at: number): Promise<void> {
    await this.db
      .deleteFrom('agent_sign_in_failures')
      .where('since', '<=', at - this.windowMs)
      .execute();
  }
}
