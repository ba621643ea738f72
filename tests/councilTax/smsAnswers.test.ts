/**
 * Every council tax reply fits in two GSM-7 text messages once filled in with real values:
 * each topic, the band answer for every property in the gazetteer, the account reply for every
 * demo account, every question an action asks, the lock-out and the case confirmation.
 */
import { describe, expect, it } from 'vitest';
import { countSegments, encodingOf } from '../../services/channels/smsText.js';
import { councilTax, data, demo, replies } from './councilTaxData.js';

function expectSendable(sms: string, what: string): void {
  expect(encodingOf(sms), `${what} is GSM-7: ${sms}`).toBe('GSM-7');
  expect(countSegments(sms).segments, `${what} fits 2 texts: ${sms}`).toBeLessThanOrEqual(2);
  expect(sms, `${what} has every placeholder filled`).not.toMatch(/\{[A-Za-z0-9]+\}/);
}

describe('council tax replies by SMS', () => {
  it('answers every topic in at most 2 GSM-7 segments, with the link for more', () => {
    const topics = councilTax.topics();
    expect(topics.length).toBeGreaterThanOrEqual(15);
    for (const topic of topics.filter((t) => t.topic !== 'band')) {
      expectSendable(topic.sms, topic.topic);
      expect(topic.sms, topic.topic).toContain(topic.moreUrl);
    }
  });

  it('gives the band of every property in the gazetteer in at most 2 segments', async () => {
    let longest = 0;
    for (const entry of demo.gazetteer.entries) {
      const answer = await councilTax.bandAnswer(entry.property.id);
      if (!answer) throw new Error(`no band answer for ${entry.property.id}`);
      expectSendable(answer.sms, entry.property.label);
      longest = Math.max(longest, countSegments(answer.sms).units);
    }
    expect(longest).toBeGreaterThan(160);
  });

  it('tells every demo account holder their account in at most 2 segments', async () => {
    const accounts = [...data.accounts.values()];
    expect(accounts.length).toBeGreaterThanOrEqual(11);
    const statuses = new Set(accounts.map((a) => a.status));
    expect(statuses.size).toBeGreaterThanOrEqual(5);
    for (const record of accounts) {
      // The reply as the dialog would build it from a verified summary.
      const summary = {
        accountNumber: record.accountNumber,
        last4: record.accountNumber.slice(-4),
        propertyId: record.propertyId,
        address: record.address,
        name: record.name,
        balance: record.balance,
        nextInstalment: record.nextInstalment,
        instalments: record.instalments,
        status: record.status,
        year: data.year,
      };
      const reply = replies.account(summary);
      expectSendable(reply.sms, `account ${record.accountNumber}`);
      expect(reply.sms).not.toContain(record.name);
      expect(reply.sms).not.toContain(record.accountNumber);
    }
  });

  it('asks every action question, locks out and confirms a case in at most 2 segments', () => {
    for (const id of data.actions.keys()) {
      const action = replies.action(id);
      for (const field of action.fields) expectSendable(field.sms, `${id}.${field.id}`);
      if (action.kind === 'case') expectSendable(replies.caseOpened(id, 'HC-123456').sms, `${id} confirmation`);
    }
    const now = new Date('2026-11-23T23:50:00Z');
    const locked = replies.locked(new Date('2026-11-24T00:20:00Z'), now).sms;
    expect(locked).toContain('12:20am on Tuesday 24 November');
    expectSendable(locked, 'verifyLocked');
    for (const id of Object.keys(data.messages))
      expectSendable(
        replies.message(id, {
          time: '9:05pm',
          last4: '1234',
          balance: '£1.00',
          credit: '£1.00',
          nextAmount: '£1.00',
          nextDate: 'Monday 1 March',
          reference: 'HC-000001',
          days: '5',
          within: '5 working days',
        }).sms,
        id,
      );
  });

  it('offers the actions the issue asks for: cases for discounts, moves and 12 instalments; a person quickly for bailiffs', () => {
    expect(replies.action('single_person_discount')).toMatchObject({
      kind: 'case',
      fields: [
        { id: 'property', type: 'property' },
        { id: 'name' },
        { id: 'onlyAdultSince', type: 'date' },
        { id: 'contact' },
      ],
    });
    expect(replies.action('report_move').fields.map((f) => f.id)).toEqual(
      expect.arrayContaining(['oldAddress', 'newAddress', 'movingDate', 'contact']),
    );
    expect(replies.action('switch_to_12_instalments').fields.find((f) => f.id === 'paymentDay')?.options).toEqual([
      '1st',
      '8th',
      '15th',
      '22nd',
      '28th',
    ]);
    expect(replies.action('bailiffs')).toMatchObject({ kind: 'handoff', priority: 'urgent' });
    expect(councilTax.answer('summons_bailiffs').offers).toBe('bailiffs');
    expect(replies.action('account_request')).toMatchObject({ kind: 'handoff', requiresVerification: true });
  });
});
