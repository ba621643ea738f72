/**
 * Council tax account checks under the velocity limit: each check counts against its client
 * (the hashed address, the texting number, or the conversation when neither is known) and
 * against everyone's allowance. Over it, the resident gets the same "try again later, or call"
 * answer a lock gives. The client is also handed to the checks' own failure counters.
 */
import type { Accounts, AccountSummary, VerifyInput, VerifyResult } from '../../services/councilTax/accounts.js';
import { currentClient } from '../../adapters/requestClient.js';
import type { VelocityLimits } from './velocityLimits.js';

export class LimitedAccounts implements Accounts {
  constructor(
    private readonly inner: Accounts,
    private readonly limits: VelocityLimits,
  ) {}

  async verify(input: VerifyInput, now: Date): Promise<VerifyResult> {
    const client = input.client ?? currentClient();
    const admission = await this.limits.admit('lookups', client ?? `conversation:${input.subject}`);
    if (!admission.allowed)
      return { ok: false, reason: 'locked', lockedUntil: new Date(now.getTime() + admission.retryAfterSeconds * 1000) };
    return this.inner.verify(client ? { ...input, client } : input, now);
  }

  balance(subject: string, now: Date): Promise<AccountSummary | null> {
    return this.inner.balance(subject, now);
  }

  forget(subject: string): Promise<void> {
    return this.inner.forget(subject);
  }
}
