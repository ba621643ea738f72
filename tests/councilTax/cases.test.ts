import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { NewCase } from '../../services/cases/cases.js';
import { DbCases } from '../../services/cases/dbCases.js';
import { openDatabase, type Database } from '../../store/database.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const later = (minutes: number) => new Date(NOW.getTime() + minutes * 60_000);

const discount: NewCase = {
  kind: 'council_tax_request',
  topic: 'single_person_discount',
  priority: 'normal',
  channel: 'sms',
  conversationId: 'sms-abc',
  propertyId: '10001001',
  accountNumber: '50001234',
  verified: true,
  details: { name: 'Alex Morgan', onlyAdultSince: '2026-10-01' },
  contact: '+447700900123',
};

for (const engine of ENGINES) {
  describe(`cases on ${engine.name}`, () => {
    let testDb: TestDatabase;
    let database: Database;
    beforeAll(async () => {
      testDb = await engine.create();
      database = await openDatabase(testDb.url);
    });
    afterAll(async () => {
      await database.close();
      await testDb.drop();
    });

    it('opens a case with an HC- reference and keeps everything collected', async () => {
      const { reference } = await new DbCases(database.db).open(discount, NOW);
      expect(reference).toMatch(/^HC-\d{6}$/);
      // A fresh instance (as after a restart) reads it back from the store.
      const found = await new DbCases(database.db).get(reference);
      expect(found).toEqual({ ...discount, reference, status: 'open', createdAt: NOW, updatedAt: NOW });
      expect(await new DbCases(database.db).get(reference.toLowerCase())).toMatchObject({ reference });
    });

    it('gives every case its own reference', async () => {
      const cases = new DbCases(database.db);
      const refs = await Promise.all(
        Array.from({ length: 40 }, (_, i) => cases.open({ ...discount, conversationId: `c${i}` }, NOW)),
      );
      expect(new Set(refs.map((r) => r.reference)).size).toBe(40);
    });

    it('keeps an unverified handoff without account or property', async () => {
      const cases = new DbCases(database.db);
      const { reference } = await cases.open(
        {
          kind: 'handoff',
          topic: 'bailiffs',
          priority: 'urgent',
          channel: 'web',
          conversationId: 'web-1',
          verified: false,
          details: {},
        },
        NOW,
      );
      const found = await cases.get(reference);
      expect(found).toMatchObject({ verified: false, priority: 'urgent' });
      expect(found).not.toHaveProperty('accountNumber');
      expect(found).not.toHaveProperty('contact');
    });

    it('lists open cases most urgent first, oldest first, and drops closed ones', async () => {
      const cases = new DbCases(database.db);
      const normal = await cases.open({ ...discount, priority: 'normal' }, later(-60));
      const high = await cases.open({ ...discount, priority: 'high' }, later(10));
      const urgentOld = await cases.open({ ...discount, priority: 'urgent' }, later(-30));
      const urgentNew = await cases.open({ ...discount, priority: 'urgent' }, later(20));
      const open = (await cases.listOpen(1000)).map((c) => c.reference);
      const order = [urgentOld, urgentNew, high, normal].map((r) => open.indexOf(r.reference));
      expect(order.every((i) => i >= 0)).toBe(true);
      expect([...order].sort((a, b) => a - b)).toEqual(order);

      expect(await cases.close(high.reference, later(30))).toBe(true);
      expect((await cases.listOpen(1000)).map((c) => c.reference)).not.toContain(high.reference);
      expect(await cases.get(high.reference)).toMatchObject({ status: 'closed', updatedAt: later(30) });
      expect(await cases.close('HC-000000', later(30))).toBe(false);
    });
  });
}
