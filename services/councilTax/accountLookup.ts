/**
 * The AccountLookup port: the council tax system's accounts, asked only two things: "do this
 * account number and postcode belong together, and if so what is on the account", and "what is
 * on this account now" (for a resident who has already proved it). That is all a council's own
 * system has to answer (HttpAccountLookup); who may ask, how often, and for how long an answer
 * counts are ours, in VerifiedAccounts, so every implementation gets the same security.
 */
import type { Pence } from './money.js';

export const ACCOUNT_STATUSES = [
  'up_to_date',
  'paid_in_full',
  'in_credit',
  'reminder',
  'final_notice',
  'summons',
  'enforcement',
] as const;
/** Where the account stands; each has its reply in the council's actions.json. */
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export interface AccountDetails {
  /** 8 digits. */
  accountNumber: string;
  propertyId: string;
  address: string;
  /** The account holder's name: for the agent's screen, not for an SMS reply. */
  name: string;
  /** What is left to pay this year, in pence; negative when the account is in credit. */
  balance: Pence;
  /** The next instalment still to pay, on or after today; null when none is due. */
  nextInstalment: { date: string; amount: Pence } | null;
  instalments: number;
  status: AccountStatus;
  /** The financial year, "2026/27". */
  year: string;
}

export interface AccountLookup {
  /**
   * The account when the number and the property's postcode belong together; null otherwise,
   * whichever part was wrong. Both arrive normalised: 8 digits, and a postcode like "DF1 1AA".
   */
  match(accountNumber: string, postcode: string, now: Date): Promise<AccountDetails | null>;
  /** The account as it stands now; null when there is none. Only asked after a match. */
  get(accountNumber: string, now: Date): Promise<AccountDetails | null>;
}
