/**
 * The account check, around any AccountLookup: every check is counted before it is asked
 * (per conversation, per client address, per account number and channel), too many failures
 * lock further checks for a while, and a success is a grant bound to the conversation for a
 * limited time. The lookup only answers "does this match"; so a council's own system, behind
 * HttpAccountLookup, gets exactly the same protection as the demo data.
 *
 * When the lookup is unavailable the check is not counted against the resident: it never
 * happened, so a slow back office cannot lock anyone out.
 */
import { normalisePostcode } from '../addresses/postcodes.js';
import type { AccountLookup } from './accountLookup.js';
import type { AccountSummary, Accounts, VerifyInput, VerifyResult } from './accounts.js';
import type { VerificationSettings } from './councilTaxData.js';
import type { VerificationAttempts } from './verificationAttempts.js';
import type { VerificationGrants } from './verificationGrants.js';

export class VerifiedAccounts implements Accounts {
  constructor(
    private readonly lookup: AccountLookup,
    private readonly attempts: VerificationAttempts,
    private readonly grants: VerificationGrants,
    private readonly settings: Pick<VerificationSettings, 'grantMinutes'>,
  ) {}

  async verify(input: VerifyInput, now: Date): Promise<VerifyResult> {
    const accountNumber = input.accountNumber.replace(/[\s-]/g, '');
    const postcode = normalisePostcode(input.postcode);
    const wellFormed = /^\d{8}$/.test(accountNumber);
    // Only a well-formed number gets its own counter: a malformed one opens no account. The
    // account's counter is per channel, so guesses on the web cannot lock its holder out of
    // checking by text (and the phone line is never locked).
    const keys = [
      `subject:${input.subject}`,
      ...(input.client ? [`client:${input.client}`] : []),
      ...(wellFormed ? [`account:${input.channel}:${accountNumber}`] : []),
    ];

    const gate = await this.attempts.begin(keys, now);
    if (!gate.allowed) return { ok: false, reason: 'locked', lockedUntil: gate.lockedUntil };

    let account;
    try {
      // Nothing malformed is sent to the council's system: it could never match.
      account = wellFormed && postcode !== null ? await this.lookup.match(accountNumber, postcode, now) : null;
    } catch (error) {
      await this.attempts.withdraw(keys);
      throw error;
    }
    if (!account) {
      const lockedUntil = await this.attempts.fail(keys, now);
      return lockedUntil ? { ok: false, reason: 'locked', lockedUntil } : { ok: false, reason: 'no_match' };
    }
    await this.attempts.succeed(keys);
    const minutes = this.settings.grantMinutes[input.channel];
    const grant = await this.grants.grant(input.subject, account.accountNumber, minutes * 60_000, now);
    return {
      ok: true,
      account: { ...account, last4: account.accountNumber.slice(-4) },
      grantExpiresAt: grant.expiresAt,
    };
  }

  async balance(subject: string, now: Date): Promise<AccountSummary | null> {
    const grant = await this.grants.current(subject, now);
    if (!grant) return null;
    const account = await this.lookup.get(grant.accountNumber, now);
    return account ? { ...account, last4: account.accountNumber.slice(-4) } : null;
  }

  async forget(subject: string): Promise<void> {
    await this.grants.revoke(subject);
  }
}
