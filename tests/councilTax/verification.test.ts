/**
 * The account check: the right pair shows the account; a wrong account number and a wrong
 * postcode get the same answer; three failures lock further checks (even the right pair) for
 * the configured time, per conversation and per account number; a grant expires.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Accounts, VerifyInput } from '../../services/councilTax/accounts.js';
import { EmbeddedAccountLookup } from '../../services/councilTax/embeddedAccountLookup.js';
import { VerifiedAccounts } from '../../services/councilTax/verifiedAccounts.js';
import { BackOfficeUnavailableError } from '../../services/backOffice/unavailable.js';
import { VerificationAttempts } from '../../services/councilTax/verificationAttempts.js';
import { VerificationGrants } from '../../services/councilTax/verificationGrants.js';
import { openDatabase, type Database } from '../../store/database.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';
import { data, HIGH_STREET_ACCOUNT, replies } from './councilTaxData.js';

const MINUTE = 60_000;
const LOCK = data.verification.lockMinutes * MINUTE;
const MAX = data.verification.maxFailedAttempts;
/** Monday 23 November 2026, 10:00 in Demoford (GMT). */
const START = new Date('2026-11-23T10:00:00Z').getTime();
const DAY = 24 * 60 * MINUTE;

/**
 * Each test runs on a day of its own: counters are per account number too, so tests checking
 * the same account at the same time would (rightly) lock each other out.
 */
let day = 0;
let T0 = new Date(START);
const at = (ms: number) => new Date(T0.getTime() + ms);
beforeEach(() => {
  day += 1;
  T0 = new Date(START + day * DAY);
});

let conversation = 0;
/** A fresh subject per test, so tests do not share counters. */
function subject(): string {
  conversation += 1;
  return `web-conv-${conversation}`;
}

function input(who: string, overrides: Partial<VerifyInput> = {}): VerifyInput {
  return { ...HIGH_STREET_ACCOUNT, subject: who, channel: 'web', ...overrides };
}

for (const engine of ENGINES) {
  describe(`council tax account check on ${engine.name}`, () => {
    let testDb: TestDatabase;
    let database: Database;
    let accounts: Accounts;
    let grants: VerificationGrants;
    beforeAll(async () => {
      testDb = await engine.create();
      database = await openDatabase(testDb.url);
      grants = new VerificationGrants(database.db);
      accounts = new VerifiedAccounts(
        new EmbeddedAccountLookup(data),
        new VerificationAttempts(database.db, data.verification),
        grants,
        data.verification,
      );
    });
    afterAll(async () => {
      await database.close();
      await testDb.drop();
    });

    it('shows nothing to a conversation that has not passed the check', async () => {
      expect(await accounts.balance(subject(), T0)).toBeNull();
    });

    it('shows the balance and next instalment after the right account number and postcode', async () => {
      const who = subject();
      const result = await accounts.verify(input(who, { accountNumber: '5000 1234', postcode: 'df11aa' }), T0);
      expect(result).toMatchObject({
        ok: true,
        account: { accountNumber: '50001234', last4: '1234', propertyId: '10001001', balance: 40532 },
      });
      const account = await accounts.balance(who, at(MINUTE));
      // Each test runs a day later than the last: the file's 1 December instalment, or (once that
      // has passed) the 1st of the next month, never a day already gone.
      const today = at(MINUTE).toISOString().slice(0, 10);
      expect(account?.nextInstalment?.amount).toBe(20266);
      expect(account?.nextInstalment?.date.slice(8)).toBe('01');
      expect((account?.nextInstalment?.date ?? '') >= today, `${account?.nextInstalment?.date} on ${today}`).toBe(true);
      expect(account && replies.account(account).sms).toMatch(
        /^Account ending 1234: you owe £405\.32 for 2026\/27\. Your next instalment of £202\.66 is due on \w+day 1 (December|January)\.$/,
      );
      // Another conversation sees nothing.
      expect(await accounts.balance(subject(), at(MINUTE))).toBeNull();
    });

    it('answers a wrong account number and a wrong postcode the same way', async () => {
      const wrongAccount = await accounts.verify(input(subject(), { accountNumber: '50001235' }), T0);
      const wrongPostcode = await accounts.verify(input(subject(), { postcode: 'DF2 4QT' }), T0);
      const anotherResidentsPostcode = await accounts.verify(input(subject(), { accountNumber: '50002214' }), T0);
      const notAPostcode = await accounts.verify(input(subject(), { postcode: 'hello' }), T0);
      expect(wrongAccount).toEqual({ ok: false, reason: 'no_match' });
      for (const other of [wrongPostcode, anotherResidentsPostcode, notAPostcode]) expect(other).toEqual(wrongAccount);
      expect(replies.message('verifyNoMatch').sms).toMatch(/those details don't match/);
      expect(replies.message('verifyNoMatch').sms).not.toMatch(/account number|postcode/i);
    });

    it(`locks after ${MAX} failures, refuses even the right pair, and unlocks when the time has passed`, async () => {
      const who = subject();
      const results = [];
      for (let i = 0; i < MAX; i++)
        results.push(await accounts.verify(input(who, { postcode: 'DF9 9ZZ' }), at(i * MINUTE)));
      expect(results.slice(0, -1).every((r) => !r.ok && r.reason === 'no_match')).toBe(true);
      const lockedUntil = at((MAX - 1) * MINUTE + LOCK);
      expect(results.at(-1)).toEqual({ ok: false, reason: 'locked', lockedUntil });

      expect(await accounts.verify(input(who), at(LOCK))).toEqual({ ok: false, reason: 'locked', lockedUntil });
      expect(await accounts.balance(who, at(LOCK))).toBeNull();
      expect(replies.locked(lockedUntil, T0).sms).toContain('until 10:32am');

      expect(await accounts.verify(input(who), lockedUntil)).toMatchObject({ ok: true });
    });

    it('locks an account number tried from many conversations on one channel, but not on the other', async () => {
      const account = { accountNumber: '50005027', postcode: 'DF2 6HT' };
      const PER_ACCOUNT = data.verification.maxFailedPerAccount;
      expect(PER_ACCOUNT).toBeGreaterThan(MAX);
      for (let i = 0; i < PER_ACCOUNT; i++)
        await accounts.verify(input(subject(), { ...account, postcode: 'DF1 1AA' }), at(i * MINUTE));
      const owner = subject();
      const refused = await accounts.verify(input(owner, account), at(PER_ACCOUNT * MINUTE));
      expect(refused).toMatchObject({ ok: false, reason: 'locked' });
      // The holder can still check by text, and other accounts are unaffected.
      expect(
        await accounts.verify(input(`sms-${owner}`, { ...account, channel: 'sms' }), at(PER_ACCOUNT * MINUTE)),
      ).toMatchObject({ ok: true });
      expect(await accounts.verify(input(subject()), at(PER_ACCOUNT * MINUTE))).toMatchObject({ ok: true });
      expect(await accounts.verify(input(owner, account), at((PER_ACCOUNT - 1) * MINUTE + LOCK))).toMatchObject({
        ok: true,
      });
    });

    it('lets no one person lock a resident out: fewer failures than the account limit leave the account open', async () => {
      const account = { accountNumber: '50005027', postcode: 'DF2 6HT' };
      // One attacker, many conversations from one address: the client limit stops them first.
      const client = 'attacker-address';
      const results = [];
      for (let i = 0; i < data.verification.maxFailedPerAccount + 5; i++) {
        results.push(
          await accounts.verify(input(subject(), { ...account, postcode: 'DF1 1AA', client }), at(i * MINUTE)),
        );
      }
      expect(results.filter((r) => !r.ok && r.reason === 'locked').length).toBeGreaterThan(0);
      // The resident, from their own address, still gets in.
      expect(
        await accounts.verify(input(subject(), { ...account, client: 'resident-address' }), at(30 * MINUTE)),
      ).toMatchObject({ ok: true });
    });

    it("does not let a locked-out conversation use up another account's tries", async () => {
      const who = subject();
      for (let i = 0; i < MAX; i++) await accounts.verify(input(who, { postcode: 'DF9 9ZZ' }), T0);
      const other = { accountNumber: '50006003', postcode: 'DF3 2YR' };
      for (let i = 0; i < MAX + 2; i++)
        expect(await accounts.verify(input(who, { ...other, postcode: 'DF9 9ZZ' }), at(i))).toMatchObject({
          reason: 'locked',
        });
      expect(await accounts.verify(input(subject(), other), at(MINUTE))).toMatchObject({ ok: true });
    });

    it('locks a made-up account number the same way, so a lock does not reveal which numbers exist', async () => {
      const made = { accountNumber: '59999999', postcode: 'DF1 1AA' };
      const PER_ACCOUNT = data.verification.maxFailedPerAccount;
      const results = [];
      for (let i = 0; i <= PER_ACCOUNT; i++) results.push(await accounts.verify(input(subject(), made), at(i)));
      expect(results.map((r) => (r.ok ? 'ok' : r.reason))).toEqual([
        ...Array(PER_ACCOUNT - 1).fill('no_match'),
        'locked',
        'locked',
      ]);
    });

    it('forgets failures once the window has passed without a lock', async () => {
      const who = subject();
      for (let i = 0; i < MAX - 1; i++) await accounts.verify(input(who, { postcode: 'DF9 9ZZ' }), T0);
      expect(await accounts.verify(input(who, { postcode: 'DF9 9ZZ' }), at(LOCK + 1))).toEqual({
        ok: false,
        reason: 'no_match',
      });
    });

    it('starts the count afresh after a success', async () => {
      const who = subject();
      for (let i = 0; i < MAX - 1; i++) await accounts.verify(input(who, { postcode: 'DF9 9ZZ' }), T0);
      expect(await accounts.verify(input(who), T0)).toMatchObject({ ok: true });
      expect(await accounts.verify(input(who, { postcode: 'DF9 9ZZ' }), T0)).toEqual({ ok: false, reason: 'no_match' });
    });

    it("does not let someone reset their address's limit by checking their own account between guesses", async () => {
      const client = 'sprayer-address';
      const PER_CLIENT = data.verification.maxFailedPerClient;
      const outcomes = [];
      for (let i = 0; i < PER_CLIENT + 2; i++) {
        // Their own account, correctly, then a guess at someone else's: each in a fresh chat.
        await accounts.verify(input(subject(), { client }), at(i * MINUTE));
        const guess = await accounts.verify(
          input(subject(), { accountNumber: '50005027', postcode: 'DF1 1AA', client }),
          at(i * MINUTE),
        );
        outcomes.push(guess.ok ? 'ok' : guess.reason);
      }
      expect(outcomes.slice(0, PER_CLIENT - 1)).toEqual(Array(PER_CLIENT - 1).fill('no_match'));
      expect(outcomes.slice(PER_CLIENT - 1)).toEqual(Array(3).fill('locked'));
    });

    it('compares no more than the limit when many wrong checks arrive at once', async () => {
      const who = subject();
      const results = await Promise.all(
        Array.from({ length: 8 }, () => accounts.verify(input(who, { postcode: 'DF9 9ZZ' }), T0)),
      );
      expect(results.filter((r) => !r.ok && r.reason === 'no_match').length).toBeLessThanOrEqual(MAX);
      expect(results.filter((r) => !r.ok && r.reason === 'locked').length).toBeGreaterThanOrEqual(8 - MAX);
    });

    it('binds an SMS check to the number for a shorter time than the web', async () => {
      const phone = 'sms-Xb3kQ9';
      const result = await accounts.verify(input(phone, { channel: 'sms' }), T0);
      expect(result.ok && result.grantExpiresAt).toEqual(at(data.verification.grantMinutes.sms * MINUTE));
      expect(data.verification.grantMinutes.sms).toBeLessThan(data.verification.grantMinutes.web);
      expect(await accounts.balance(phone, at(data.verification.grantMinutes.sms * MINUTE - 1))).not.toBeNull();
      expect(await accounts.balance(phone, at(data.verification.grantMinutes.sms * MINUTE))).toBeNull();
    });

    it('counts nothing against a resident when the council tax system is unavailable', async () => {
      const who = subject();
      const down = new VerifiedAccounts(
        {
          match: async () => {
            throw new BackOfficeUnavailableError('councilTax', 'timeout', 'test');
          },
          get: async () => null,
        },
        new VerificationAttempts(database.db, data.verification),
        grants,
        data.verification,
      );
      for (let i = 0; i < MAX + 2; i++) {
        await expect(down.verify(input(who, { client: 'client-down' }), at(i * MINUTE))).rejects.toBeInstanceOf(
          BackOfficeUnavailableError,
        );
      }
      // Back up: the resident's own tries are all still there, and the right pair opens the account.
      for (let i = 0; i < MAX - 1; i++)
        expect(await accounts.verify(input(who, { postcode: 'DF9 9ZZ' }), at(10 * MINUTE))).toEqual({
          ok: false,
          reason: 'no_match',
        });
      expect(await accounts.verify(input(who, { client: 'client-down' }), at(11 * MINUTE))).toMatchObject({ ok: true });
    });

    it('keeps a grant in the store until it expires, and ends it on request', async () => {
      const who = subject();
      await grants.grant(who, '50001234', 15 * MINUTE, T0);
      expect(await new VerificationGrants(database.db).current(who, at(14 * MINUTE))).toMatchObject({
        accountNumber: '50001234',
      });
      expect(await grants.current(who, at(15 * MINUTE))).toBeNull();
      await grants.grant(who, '50001234', 15 * MINUTE, T0);
      await accounts.forget(who);
      expect(await accounts.balance(who, at(MINUTE))).toBeNull();
      expect(await grants.purgeExpired(at(60 * MINUTE))).toBeGreaterThan(0);
    });
  });
}
