/**
 * Counts account checks per key ("subject:<conversation>", "client:<address>",
 * "account:<channel>:<number>") in the store, each kind with its own limit,
 * so the limit holds across restarts and across instances. Every check is counted before the
 * details are compared: so however many wrong checks arrive at once, no more than the limit
 * are ever compared in one window. A success clears the conversation's and the account's
 * counters (the resident proved who they are), never the client's.
 */
import { sql } from 'kysely';
import type { Db } from '../../store/database.js';

export interface AttemptLimits {
  /** Per conversation. */
  maxFailedAttempts: number;
  /** Per account number and channel, whoever tries; defaults to maxFailedAttempts. */
  maxFailedPerAccount?: number;
  /** Per client address; defaults to maxFailedAttempts. */
  maxFailedPerClient?: number;
  lockMinutes: number;
}

export type Gate = { allowed: true } | { allowed: false; lockedUntil: Date };

export class VerificationAttempts {
  private readonly lockMs: number;

  constructor(
    private readonly db: Db,
    private readonly limits: AttemptLimits,
  ) {
    this.lockMs = limits.lockMinutes * 60_000;
  }

  /** Counts a check for every key; refuses it when any key is locked or already at the limit. */
  async begin(keys: string[], now: Date): Promise<Gate> {
    const at = now.getTime();
    // A row is stale once its lock has ended, or, unlocked, once its window has passed.
    const stale = sql<boolean>`(counciltax_verification_attempts.locked_until is not null and counciltax_verification_attempts.locked_until <= ${at}) or (counciltax_verification_attempts.locked_until is null and counciltax_verification_attempts.window_started_at <= ${at - this.lockMs})`;
    // Keys in order (the subject first): a refused check stops there, so someone already locked
    // out cannot go on to use up another account's tries.
    for (const key of keys) {
      const row = await this.db
        .insertInto('counciltax_verification_attempts')
        .values({ key, attempts: 1, window_started_at: at, locked_until: null })
        .onConflict((oc) =>
          oc.column('key').doUpdateSet({
            attempts: sql<number>`case when ${stale} then 1 else counciltax_verification_attempts.attempts + 1 end`,
            window_started_at: sql<number>`case when ${stale} then ${at} else counciltax_verification_attempts.window_started_at end`,
            locked_until: sql<
              number | null
            >`case when ${stale} then null else counciltax_verification_attempts.locked_until end`,
          }),
        )
        .returning(['attempts', 'locked_until'])
        .executeTakeFirstOrThrow();
      if (row.locked_until !== null && row.locked_until > at)
        return { allowed: false, lockedUntil: new Date(row.locked_until) };
      // Over the limit without a lock yet: another check reached the limit a moment ago and has
      // not recorded its failure; lock now rather than compare a check too many.
      if (row.attempts > this.limitFor(key))
        return { allowed: false, lockedUntil: new Date(await this.lock([key], at)) };
    }
    return { allowed: true };
  }

  /** Records that the check failed; returns when the keys unlock if that was the last try allowed. */
  async fail(keys: string[], now: Date): Promise<Date | null> {
    const at = now.getTime();
    const rows = await this.db
      .selectFrom('counciltax_verification_attempts')
      .select(['key', 'attempts'])
      .where('key', 'in', keys)
      .execute();
    const full = rows.filter((row) => row.attempts >= this.limitFor(row.key));
    if (full.length === 0) return null;
    return new Date(
      await this.lock(
        full.map((r) => r.key),
        at,
      ),
    );
  }

  /**
   * A successful check: the conversation and the account start afresh. The client's counter only
   * takes back this check's count, so it counts failures alone: clearing it would let someone
   * check their own account between guesses at other people's and never reach the client limit,
   * while counting successes would lock out a library or office where many residents check.
   */
  async succeed(keys: string[]): Promise<void> {
    const clients = keys.filter((key) => key.startsWith('client:'));
    const cleared = keys.filter((key) => !key.startsWith('client:'));
    if (cleared.length > 0)
      await this.db.deleteFrom('counciltax_verification_attempts').where('key', 'in', cleared).execute();
    if (clients.length > 0) {
      await this.db
        .updateTable('counciltax_verification_attempts')
        .set({ attempts: sql<number>`case when attempts > 0 then attempts - 1 else 0 end` })
        .where('key', 'in', clients)
        .execute();
    }
  }

  /**
   * Takes back a check that never reached the council's system (it was unavailable): neither a
   * failure nor a success, so it must not bring anyone nearer a lock.
   */
  async withdraw(keys: string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.db
      .updateTable('counciltax_verification_attempts')
      .set({ attempts: sql<number>`case when attempts > 0 then attempts - 1 else 0 end` })
      .where('key', 'in', keys)
      .execute();
  }

  /** Deletes counters that no longer matter (they hold account numbers typed). */
  async purge(now: Date): Promise<number> {
    const at = now.getTime();
    const result = await this.db
      .deleteFrom('counciltax_verification_attempts')
      .where((eb) =>
        eb.or([
          eb.and([eb('locked_until', 'is not', null), eb('locked_until', '<=', at)]),
          eb.and([eb('locked_until', 'is', null), eb('window_started_at', '<=', at - this.lockMs)]),
        ]),
      )
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  private limitFor(key: string): number {
    if (key.startsWith('account:')) return this.limits.maxFailedPerAccount ?? this.limits.maxFailedAttempts;
    if (key.startsWith('client:')) return this.limits.maxFailedPerClient ?? this.limits.maxFailedAttempts;
    return this.limits.maxFailedAttempts;
  }

  /** Locks the keys that are not locked yet; returns the latest lock end among them. */
  private async lock(keys: string[], at: number): Promise<number> {
    await this.db
      .updateTable('counciltax_verification_attempts')
      .set({ locked_until: at + this.lockMs })
      .where('key', 'in', keys)
      .where('locked_until', 'is', null)
      .execute();
    const rows = await this.db
      .selectFrom('counciltax_verification_attempts')
      .select('locked_until')
      .where('key', 'in', keys)
      .execute();
    return Math.max(at + this.lockMs, ...rows.map((r) => Number(r.locked_until ?? 0)));
  }
}
