import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsStore } from '../../adapters/twilio/smsStore.js';
import { SmsInbox } from '../../adapters/twilio/smsInbox.js';
import { openDatabase, type Database } from '../../store/database.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';

for (const engine of ENGINES) {
  describe(`SMS tables on ${engine.name}`, () => {
    let testDb: TestDatabase;
    let database: Database;
    let store: SmsStore;
    beforeAll(async () => {
      testDb = await engine.create();
      database = await openDatabase(testDb.url);
      store = new SmsStore(database.db);
    });
    afterAll(async () => {
      await database.close();
      await testDb.drop();
    });

    it('inbox: a MessageSid is taken once; a live lease keeps a retry out, a lapsed one lets it take over', async () => {
      const inbox = new SmsInbox(database.db);
      const params = { MessageSid: 'SM1', From: '+447700900001', Body: 'bin day' };
      expect(await inbox.claim('SM1', 'sms-a', params, 'dead-instance', 1_000, 30_000)).toBe('claimed');
      // Twilio retries while the first instance still holds it: left to that instance.
      expect(await inbox.claim('SM1', 'sms-a', params, 'other', 2_000, 30_000)).toBe('busy');
      expect(await inbox.unfinished(2_000)).toEqual([]);
      // The first instance died: its lease runs out, and the message is anyone's to finish.
      expect(await inbox.unfinished(40_000)).toEqual([{ messageSid: 'SM1', conversationId: 'sms-a', params }]);
      expect(await inbox.claim('SM1', 'sms-a', params, 'other', 40_000, 30_000)).toBe('claimed');
      // The dead instance cannot mark it answered any more; the one that took it over can.
      await expect(
        database.db.transaction().execute((trx) => inbox.markAnswered(trx, 'SM1', 'dead-instance', 41_000)),
      ).rejects.toThrow(/lease/);
      await database.db.transaction().execute((trx) => inbox.markAnswered(trx, 'SM1', 'other', 41_000));
      expect(await inbox.claim('SM1', 'sms-a', params, 'third', 100_000, 30_000)).toBe('answered');
      expect(await inbox.attempts('SM1')).toBe(2);
    });

    it('inbox: a failed turn gives the message back at once', async () => {
      const inbox = new SmsInbox(database.db);
      expect(await inbox.claim('SM2', 'sms-a', { From: '+447700900001' }, 'me', 1_000, 30_000)).toBe('claimed');
      await inbox.release('SM2', 'me');
      expect(await inbox.claim('SM2', 'sms-a', { From: '+447700900001' }, 'other', 1_001, 30_000)).toBe('claimed');
    });

    it('keeps one conversation per number with its opt-out and choices', async () => {
      const first = await store.conversationFor('sms-b', '+447700900001', 10);
      expect(first).toMatchObject({ optedOut: false, lastInboundAt: null, choices: [] });
      await store.setOptedOut('sms-b', true, 11);
      await store.setChoices('sms-b', [{ label: 'Bin day', value: 'bin day' }]);
      expect(await store.conversationFor('sms-b', '+447700900001', 12)).toMatchObject({
        optedOut: true,
        choices: [{ label: 'Bin day', value: 'bin day' }],
      });
    });

    it('records delivery statuses forward only, whichever arrives first', async () => {
      await store.recordStatus('SMx', 'sent', null, 1);
      await store.recordSent('SMx', 'sms-b', 2, 'queued', 2);
      expect(await store.outboundStatus('SMx')).toEqual({ status: 'sent', errorCode: null, segments: 2 });
      await store.recordStatus('SMx', 'undelivered', 30003, 3);
      await store.recordStatus('SMx', 'sent', null, 4);
      expect(await store.outboundStatus('SMx')).toEqual({ status: 'undelivered', errorCode: 30003, segments: 2 });
    });

    it('keeps the conversation id key across reopening', async () => {
      const key = await store.conversationIdKey();
      expect(Buffer.from(await new SmsStore(database.db).conversationIdKey())).toEqual(Buffer.from(key));
    });
  });
}
