import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SmsStore } from '../../adapters/twilio/smsStore.js';
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

    it('takes a MessageSid once, and gives it back after a failure', async () => {
      expect(await store.claimInbound('SM1', 'sms-a', 1)).toBe(true);
      expect(await store.claimInbound('SM1', 'sms-a', 2)).toBe(false);
      await store.releaseInbound('SM1');
      expect(await store.claimInbound('SM1', 'sms-a', 3)).toBe(true);
    });

    it('keeps one conversation per number with its opt-out and choices', async () => {
      const first = await store.conversationFor('sms-b', '+447700900001', 10);
      expect(first).toMatchObject({ optedOut: false, lastInboundAt: null, choices: [] });
      await store.setOptedOut('sms-b', true, 11);
      await store.setChoices('sms-b', [{ label: 'Bin day', value: 'bin day' }]);
      expect(await store.conversationFor('sms-b', '+447700900001', 12)).toMatchObject({ optedOut: true, choices: [{ label: 'Bin day', value: 'bin day' }] });
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
