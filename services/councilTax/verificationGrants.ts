/**
 * Who has proved they hold which council tax account, until when. Stored, so a restart or
 * another instance honours (and expires) a grant the same way; one grant per subject.
 */
import type { Db } from '../../store/database.js';

export interface VerificationGrant {
  subject: string;
  accountNumber: string;
  grantedAt: Date;
  expiresAt: Date;
}

export class VerificationGrants {
  constructor(private readonly db: Db) {}

  async grant(subject: string, accountNumber: string, ttlMs: number, now: Date): Promise<VerificationGrant> {
    const grantedAt = now.getTime();
    const expiresAt = grantedAt + ttlMs;
    await this.db
      .insertInto('counciltax_verification_grants')
      .values({ subject, account_number: accountNumber, granted_at: grantedAt, expires_at: expiresAt })
      .onConflict((oc) =>
        oc
          .column('subject')
          .doUpdateSet({ account_number: accountNumber, granted_at: grantedAt, expires_at: expiresAt }),
      )
      .execute();
    return { subject, accountNumber, grantedAt: new Date(grantedAt), expiresAt: new Date(expiresAt) };
  }

  /** The subject's grant if it has not expired; null otherwise. */
  async current(subject: string, now: Date): Promise<VerificationGrant | null> {
    const row = await this.db
      .selectFrom('counciltax_verification_grants')
      .selectAll()
      .where('subject', '=', subject)
      .where('expires_at', '>', now.getTime())
      .executeTakeFirst();
    return row
      ? {
          subject: row.subject,
          accountNumber: row.account_number,
          grantedAt: new Date(row.granted_at),
          expiresAt: new Date(row.expires_at),
        }
      : null;
  }

  async revoke(subject: string): Promise<void> {
    await this.db.deleteFrom('counciltax_verification_grants').where('subject', '=', subject).execute();
  }

  async purgeExpired(now: Date): Promise<number> {
    const result = await this.db
      .deleteFrom('counciltax_verification_grants')
      .where('expires_at', '<=', now.getTime())
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}
