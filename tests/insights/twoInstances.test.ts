/**
 * Two instances of the assistant on one database (PostgreSQL with TEST_STORAGE=postgres, a
 * shared SQLite file otherwise): residents spread across them, and a supervisor on either reads
 * the same figures, because every count is a row in the shared database.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  AgentClient,
  MONDAY_10AM,
  startHandoffCouncil,
  type HandoffCouncil,
  type TestClock,
} from '../handoff/harness.js';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import type { InsightsReport } from '../../services/insights/report.js';

const ENV = { DEMO_SUPERVISOR_PASSWORD: 'supervisor password 123' };
const DAY = '2026-11-23';
let db: TestDatabase;
let first: HandoffCouncil;
let second: HandoffCouncil;
const clock: TestClock = { now: MONDAY_10AM };

beforeAll(async () => {
  db = await testDatabase();
  first = await startHandoffCouncil({ db, clock, env: ENV });
  second = await startHandoffCouncil({ db, clock, env: ENV });
}, 120_000);

afterAll(async () => {
  await first?.stop();
  await second?.stop();
  await first?.fakeTwilio.close();
  await second?.fakeTwilio.close();
  await db?.drop();
});

describe('figures across instances', () => {
  it('add up whichever instance each resident and the supervisor reached', async () => {
    const a = await first.web();
    await a.say('bin day for 1 High Street DF1 1AA');
    const b = await second.web();
    await b.say('bin day for 22 Mill Lane DF2 4QT');
    await second.sms('+447700900601')('bin day for 1 High Street DF1 1AA');

    const reports: InsightsReport[] = [];
    for (const council of [first, second]) {
      const supervisor = new AgentClient(council.url);
      expect((await supervisor.signIn('demo-supervisor', 'supervisor password 123')).status).toBe(200);
      reports.push(await supervisor.json<InsightsReport>(`/insights?from=${DAY}&to=${DAY}`));
    }
    expect(reports[0]).toMatchObject({ conversations: 3, byChannel: { web: 2, sms: 1 }, contained: 3 });
    expect(reports[0]?.jobsCompleted.bin_day_answered).toBe(3);
    expect(reports[1]).toEqual(reports[0]);
  }, 120_000);
});
