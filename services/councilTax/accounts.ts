/**
 * Accounts: one resident's council tax account, shown only to someone who has just
 * proved they hold it (the account number and the property's postcode). A failed check never
 * says which part was wrong, and repeated failures lock further checks for a while, both for
 * the person trying and for the account number tried, so an account cannot be guessed at from
 * many conversations. A successful check is a grant bound to the subject for a limited time.
 * What dialogs use; VerifiedAccounts implements it around any AccountLookup (the back office).
 */
import type { ContentKind } from '../channels/channels.js';
import type { AccountDetails } from './accountLookup.js';

export interface VerifyInput {
  /** As typed: spaces and dashes are ignored ("5000 1234"). */
  accountNumber: string;
  /** As typed, in any spelling ("df11aa"). */
  postcode: string;
  /**
   * Who is trying, and who the grant binds to: the conversation id. On SMS that id is derived
   * from the phone number, so binding to it binds to the number without storing the number again.
   */
  subject: string;
  /**
   * Which kind of channel asks: decides how long the grant lasts (shorter on SMS: a phone can
   * change hands), and each keeps its own count of wrong guesses.
   */
  channel: ContentKind;
  /**
   * Where the check comes from (a client address, already reduced to a key), when known:
   * failures are counted per client too, so one address spraying account numbers across
   * many conversations is stopped.
   */
  client?: string;
}

/** An account as shown to the resident who has just proved they hold it. */
export interface AccountSummary extends AccountDetails {
  /** The last 4 digits, the only part of the number repeated back to the resident. */
  last4: string;
}

export type VerifyResult =
  | { ok: true; account: AccountSummary; grantExpiresAt: Date }
  /** The same whether the account number, the postcode or both were wrong. */
  | { ok: false; reason: 'no_match' }
  | { ok: false; reason: 'locked'; lockedUntil: Date };

export interface Accounts {
  verify(input: VerifyInput, now: Date): Promise<VerifyResult>;
  /** The account this subject has proved they hold, while the grant lasts; null otherwise. */
  balance(subject: string, now: Date): Promise<AccountSummary | null>;
  /** Ends the subject's grant at once ("start again", the conversation closed). */
  forget(subject: string): Promise<void>;
}
