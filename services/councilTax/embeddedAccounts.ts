/** Accounts over the demo accounts file, with attempts and grants in the store. */
import { normalisePostcode } from '../addresses/postcodes.js';
import type { AccountSummary, Accounts, VerifyInput, VerifyResult } from './accounts.js';
import type { AccountRecord, CouncilTaxData } from './councilTaxData.js';
import { VerificationAttempts } from './verificationAttempts.js';
import { VerificationGrants } from './verificationGrants.js';
import { nextInstalmentDue } from './nextInstalment.js';

export class EmbeddedAccounts implements Accounts {
  constructor(
    private readonly data: CouncilTaxData,
    private readonly attempts: VerificationAttempts,
    private readonly grants: VerificationGrants,
  ) {}

  async verify(input: VerifyInput, now: Date): Promise<VerifyResult> {
    const accountNumber = input.accountNumber.replace(/[\s-]/g, '');
    const postcode = normalisePostcode(input.postcode);
    // Only a well-formed number gets its own counter: a malformed one opens no account. The
    // account's counter is per channel, so guesses on the web cannot lock its holder out of
    // checking by text (and the phone line is never locked).
    const keys = [
      `subject:${input.subject}`,
      ...(input.client ? [`client:${input.client}`] : []),
      ...(/^\d{8}$/.test(accountNumber) ? [`account:${input.channel}:${accountNumber}`] : []),
    ];

    const gate = await this.attempts.begin(keys, now);
    if (!gate.allowed) return { ok: false, reason: 'locked', lockedUntil: gate.lockedUntil };

    const record = this.data.accounts.get(accountNumber);
    if (!record || postcode === null || record.postcode !== postcode) {
      const lockedUntil = await this.attempts.fail(keys, now);
      return lockedUntil ? { ok: false, reason: 'locked', lockedUntil } : { ok: false, reason: 'no_match' };
    }
    await this.attempts.succeed(keys);
    const minutes = this.data.verification.grantMinutes[input.channel];
    const grant = await this.grants.grant(input.subject, accountNumber, minutes * 60_000, now);
    return { ok: true, account: this.summary(record, now), grantExpiresAt: grant.expiresAt };
  }

  async balance(subject: string, now: Date): Promise<AccountSummary | null> {
    const grant = await this.grants.current(subject, now);
    const record = grant ? this.data.accounts.get(grant.accountNumber) : undefined;
    return record ? this.summary(record, now) : null;
  }

  async forget(subject: string): Promise<void> {
    await this.grants.revoke(subject);
  }

  private summary(record: AccountRecord, now: Date): AccountSummary {
    const { payments, year, timeZone } = this.data;
    return {
      accountNumber: record.accountNumber,
      last4: record.accountNumber.slice(-4),
      propertyId: record.propertyId,
      address: record.address,
      name: record.name,
      balance: record.balance,
      // The file is a snapshot: the instalment it calls next may have fallen due since.
      nextInstalment: nextInstalmentDue(record.nextInstalment, record.instalments, payments.instalmentPlans, year, timeZone, now),
      instalments: record.instalments,
      status: record.status,
      year: this.data.year,
    };
  }
}
