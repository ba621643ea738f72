/**
 * The inbox keeps what residents asked, never who they are: postcodes, phone numbers, vehicle
 * registrations, account numbers, references, emails, long numbers and names where a message
 * introduces one are masked before anything is stored; urgent and safeguarding messages are
 * never stored at all, and entries go with the retention period.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maskPersonalData } from '../../services/insights/mask.js';
import { InsightInbox } from '../../services/insights/inbox.js';
import { openDatabase, type Database } from '../../store/database.js';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { UrgentTopics } from '../../services/safeguarding/urgentTopics.js';

const MESSAGES: [string, string][] = [
  [
    'my postcode is df2 4qt and my neighbour is at DF1 1AA',
    'my postcode is [postcode] and my neighbour is at [postcode]',
  ],
  ['ring me on 07700 900123 or +44 7700 900456', 'ring me on [phone] or [phone]'],
  ['my van is AB12 CDE, is that ok', 'my van is [registration], is that ok'],
  ['council tax account 50001234 is wrong', 'council tax account [account number] is wrong'],
  ['email me at jo.bloggs+council@example.co.uk please', 'email me at [email] please'],
  ['my card is 4111 1111 1111 1111', 'my card is [number]'],
  ['my name is Priya Shah and I need help', 'my name is [name] and I need help'],
  ["Hi I'm Dave, the lorry missed us", "Hi I'm [name], the lorry missed us"],
  [
    'Mrs Okafor at 22 Mill Lane has not had her bins emptied',
    'Mrs [name] at [house number] Mill Lane has not had her bins emptied',
  ],
  ['John Smith here, question about the tip', '[name] here, question about the tip'],
  ['can you sort my tip permit TP-123456 thanks, Alan Jones', 'can you sort my tip permit [reference] thanks, [name]'],
  // Not personal: left as typed.
  ["I'm moving house next week", "I'm moving house next week"],
  ['can I get a skip for my garden', 'can I get a skip for my garden'],
];

describe('masking personal data in a message', () => {
  it.each(MESSAGES)('%s', (message, masked) => {
    expect(maskPersonalData(message)).toBe(masked);
  });

  it('leaves nothing of the personal details in a message full of them', () => {
    const message =
      'Hi my name is Sarah Jones, 14 High Street DF1 1AA, tel 07700 900999, email sarah@example.com, acct 50001234, reg AB12 CDE';
    const masked = maskPersonalData(message);
    for (const personal of ['Sarah', 'Jones', '14 ', 'DF1', '07700', 'sarah@', '50001234', 'AB12'])
      expect(masked).not.toContain(personal);
    expect(masked).toContain('my name is [name]');
  });
});

describe('the inbox', () => {
  let testDb: TestDatabase;
  let database: Database;
  let inbox: InsightInbox;
  const at = Date.UTC(2026, 10, 23, 10, 0, 0);

  beforeAll(async () => {
    testDb = await testDatabase();
    database = await openDatabase(testDb.url);
    const urgent = UrgentTopics.load('data/demo');
    inbox = new InsightInbox(database.db, (text) => Boolean(urgent.topicIn(text)));
  });

  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('stores only the masked text, and never an urgent or safeguarding message', async () => {
    expect(
      await inbox.add({
        text: 'my name is Sarah Jones, DF1 1AA, 07700 900999',
        channel: 'sms',
        guess: 'None',
        nextStep: 'asked_again',
        at,
      }),
    ).toBe(true);
    expect(
      await inbox.add({ text: 'I want to kill myself', channel: 'sms', guess: 'None', nextStep: 'asked_again', at }),
    ).toBe(false);
    expect(
      await inbox.add({
        text: 'my partner hits me',
        channel: 'directline',
        guess: 'None',
        nextStep: 'asked_again',
        at,
      }),
    ).toBe(false);
    const rows = await database.db.selectFrom('insight_inbox').select('text').execute();
    expect(rows.map((r) => r.text)).toEqual(['my name is [name], [postcode], [phone]']);
  });

  it('is emptied of entries past the retention period', async () => {
    await inbox.add({
      text: 'an old question',
      channel: 'directline',
      guess: 'None',
      nextStep: 'asked_again',
      at: at - 100 * 86_400_000,
    });
    expect(await inbox.deleteOlderThan(at - 90 * 86_400_000)).toBe(1);
    expect((await inbox.list({ from: '2026-01-01', to: '2026-12-31' })).map((e) => e.text)).toEqual([
      'my name is [name], [postcode], [phone]',
    ]);
  });
});
