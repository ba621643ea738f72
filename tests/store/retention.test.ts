/**
 * Retention: personal data older than RETENTION_DAYS goes; an opted-out number, the permits
 * the allowance is counted from, and open cases stay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../store/database.js';
import { deleteExpiredPersonalData } from '../../store/retention.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';

const NOW = new Date('2026-11-23T10:00:00Z');
const DAY = 86_400_000;
const OLD = NOW.getTime() - 100 * DAY;
const RECENT = NOW.getTime() - 10 * DAY;

describe.each(ENGINES)('retention on $name', ({ create }) => {
  let testDb: TestDatabase;
  let database: Database;

  beforeAll(async () => {
    testDb = await create();
    database = await openDatabase(testDb.url);
    const { db } = database;
    for (const [id, at] of [
      ['old-conv', OLD],
      ['new-conv', RECENT],
    ] as const) {
      await db
        .insertInto('directline_conversations')
        .values({ id, user_id: 'u', created_at: at, last_activity_at: at, closed_at: null, next_watermark: 1 })
        .execute();
      await db
        .insertInto('directline_activities')
        .values({ conversation_id: id, watermark: 0, activity: '{"text":"DF1 1AA"}' })
        .execute();
      await db
        .insertInto('bot_state')
        .values({ key: `state/${id}`, etag: 'e', document: '{}', updated_at: at })
        .execute();
    }
    for (const [reference, at] of [
      ['MB-000001', OLD],
      ['MB-000002', RECENT],
    ] as const) {
      await db
        .insertInto('missed_bin_reports')
        .values({
          reference,
          property_id: '10001001',
          stream: 'refuse',
          collection_date: reference === 'MB-000001' ? '2026-08-14' : '2026-11-13',
          return_by: '2026-11-17',
          channel: 'web',
          conversation_id: null,
          contact: '07700900123',
          status: 'open',
          created_at: at,
        })
        .execute();
    }
    for (const [reference, status, at] of [
      ['HC-000001', 'closed', OLD],
      ['HC-000002', 'open', OLD],
      ['HC-000003', 'closed', RECENT],
    ] as const) {
      await db
        .insertInto('cases')
        .values({
          reference,
          kind: 'callback',
          topic: 't',
          priority: 'normal',
          status,
          channel: 'web',
          conversation_id: null,
          property_id: null,
          account_number: null,
          verified: 0,
          details: '{}',
          contact: 'x@example.com',
          created_at: at,
          updated_at: at,
        })
        .execute();
    }
    for (const [reference, visitDate] of [
      ['TP-000001', '2025-09-01'],
      ['TP-000002', '2026-08-01'],
    ] as const) {
      await db
        .insertInto('tip_permits')
        .values({
          reference,
          property_id: '10001001',
          postcode: 'DF1 1AA',
          registration: 'AB12CDE',
          vehicle_type: 'van',
          trailer_length_cm: null,
          site_id: 'quarry-road',
          visit_date: visitDate,
          time_window: 'morning',
          phone: null,
          channel: 'web',
          idempotency_key: reference,
          status: 'booked',
          created_at: OLD,
          updated_at: OLD,
          cancelled_at: null,
        })
        .execute();
    }
    for (const [conversation_id, phone, opted, at] of [
      ['sms-old', '+447700900121', null, OLD],
      ['sms-stopped', '+447700900122', OLD, OLD],
      ['sms-new', '+447700900123', null, RECENT],
    ] as const) {
      await db
        .insertInto('sms_conversations')
        .values({ conversation_id, phone, created_at: at, last_inbound_at: at, opted_out_at: opted, choices: null })
        .execute();
    }
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('removes what is older than the retention period and keeps what must stay', async () => {
    const counts = await deleteExpiredPersonalData(database.db, 90, NOW);
    expect(counts).toMatchObject({
      directline_conversations: 1,
      directline_activities: 1,
      bot_state: 1,
      missed_bin_reports: 1,
      cases: 1,
      tip_permits: 1,
      sms_conversations: 1,
    });
    const { db } = database;
    expect((await db.selectFrom('directline_conversations').select('id').execute()).map((r) => r.id)).toEqual([
      'new-conv',
    ]);
    expect((await db.selectFrom('missed_bin_reports').select('reference').execute()).map((r) => r.reference)).toEqual([
      'MB-000002',
    ]);
    // An open case is still someone's work, however old.
    expect(
      (await db.selectFrom('cases').select('reference').orderBy('reference').execute()).map((r) => r.reference),
    ).toEqual(['HC-000002', 'HC-000003']);
    // A permit from August counts towards next summer's allowance, so it stays past 90 days.
    expect((await db.selectFrom('tip_permits').select('reference').execute()).map((r) => r.reference)).toEqual([
      'TP-000002',
    ]);
    // A number that texted STOP is never forgotten while it stays opted out.
    expect(
      (await db.selectFrom('sms_conversations').select('conversation_id').orderBy('conversation_id').execute()).map(
        (r) => r.conversation_id,
      ),
    ).toEqual(['sms-new', 'sms-stopped']);
  });
});
