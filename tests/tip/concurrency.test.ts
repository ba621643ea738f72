/**
 * Residents racing for the same places, on SQLite and PostgreSQL: the capacity check, the
 * allowance check and the insert happen in one transaction, so the database never holds more
 * permits than places, nor more visits than a household's allowance.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueRequest, IssueResult } from '../../services/tip/permits.js';
import { ENGINES } from '../helpers/databases.js';
import { london, otherProperties, permitsOn, placesIn, type PermitsHarness } from './tipFixtures.js';

const NOW = london('2026-11-23T10:00');

function request(overrides: Partial<IssueRequest>): IssueRequest {
  return {
    propertyId: '',
    registration: 'AB12 CDE',
    vehicleType: 'van',
    siteId: 'quarry-road',
    date: '2026-11-26',
    window: 'morning',
    channel: 'webchat',
    idempotencyKey: randomUUID(),
    declaredNoTradeWaste: true,
    now: NOW,
    ...overrides,
  };
}

const reasons = (results: IssueResult[]) =>
  results.reduce<Record<string, number>>((counts, r) => {
    const key = r.ok ? 'issued' : r.reason;
    counts[key] = (counts[key] ?? 0) + 1;
    return counts;
  }, {});

describe.each(ENGINES)('racing bookings on $name', ({ create }) => {
  let h: PermitsHarness;
  const households = otherProperties(70);

  beforeAll(async () => {
    h = await permitsOn(create);
  });
  afterAll(async () => {
    await h?.close();
  });

  it('50 residents booking a 10-place window at once get exactly 10 permits; the other 40 are told it is full', async () => {
    const places = placesIn('quarry-road', 'morning');
    expect(places).toBe(10);
    const results = await Promise.all(
      households.slice(0, 50).map((propertyId) => h.permits.issue(request({ propertyId }))),
    );

    expect(reasons(results)).toEqual({ issued: places, slot_full: 50 - places });
    const references = results.flatMap((r) => (r.ok ? [r.permit.reference] : []));
    expect(new Set(references).size).toBe(places);
    const stored = await h.database.db
      .selectFrom('tip_permits')
      .select('reference')
      .where('visit_date', '=', '2026-11-26')
      .where('time_window', '=', 'morning')
      .execute();
    expect(stored).toHaveLength(places);
    const slots = await h.permits.availableSlots({ siteId: 'quarry-road', from: '2026-11-26', days: 1, now: NOW });
    expect(slots.map((s) => s.window)).toEqual(['afternoon']);
  });

  it('the same request sent 10 times at once issues one permit', async () => {
    const same = request({ propertyId: households[50], date: '2026-11-27', idempotencyKey: `retry-${randomUUID()}` });
    const results = await Promise.all(Array.from({ length: 10 }, () => h.permits.issue(same)));
    const references = new Set(results.map((r) => (r.ok ? r.permit.reference : r.reason)));
    expect(references.size).toBe(1);
    expect([...references][0]).toMatch(/^TP-\d{6}$/);
    expect(results.filter((r) => r.ok && r.created)).toHaveLength(1);
    expect((await h.permits.visitsUsed(households[50] as string, NOW)).used).toBe(1);
  });

  it('a household with one visit left, booking five different slots at once, gets one', async () => {
    const propertyId = households[51] as string;
    // Eleven visits earlier in the year, each booked the day before.
    for (let month = 1; month <= 11; month++) {
      const date = `2026-${String(month).padStart(2, '0')}-10`;
      const result = await h.permits.issue(
        request({ propertyId, date, now: london(`${date}T07:00`).minus({ days: 1 }) }),
      );
      expect(result.ok).toBe(true);
    }
    const dates = ['2026-11-28', '2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02'];
    const results = await Promise.all(
      dates.map((date) => h.permits.issue(request({ propertyId, date, window: 'afternoon' }))),
    );
    expect(reasons(results)).toEqual({ issued: 1, allowance_used: 4 });
    expect(await h.permits.visitsUsed(propertyId, NOW)).toMatchObject({ used: 12, allowed: 12 });
  });

  it('two cancels of one permit at once free its place once', async () => {
    const date = '2026-12-03';
    const places = placesIn('northfield', 'morning');
    const permits = [];
    for (const propertyId of households.slice(52, 52 + places)) {
      const result = await h.permits.issue(request({ propertyId, siteId: 'northfield', date, phone: '07700 900999' }));
      if (!result.ok) throw new Error(result.reason);
      permits.push(result.permit);
    }
    const first = permits[0];
    if (!first) throw new Error('no permit');
    const results = await Promise.all(
      [1, 2].map(() => h.permits.cancel(first.reference, { phone: '07700 900999' }, NOW)),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    const left = await h.permits.availableSlots({ siteId: 'northfield', from: date, days: 1, now: NOW });
    expect(left.find((s) => s.window === 'morning')?.placesLeft).toBe(1);
    // And the freed place goes to exactly one of several residents racing for it.
    const race = await Promise.all(
      households
        .slice(60, 66)
        .map((propertyId) => h.permits.issue(request({ propertyId, siteId: 'northfield', date }))),
    );
    expect(reasons(race)).toEqual({ issued: 1, slot_full: 5 });
  });

  it('a change of day and a cancel of the same permit at once leave every place counted right', async () => {
    const placesLeft = async (date: string) =>
      (await h.permits.availableSlots({ siteId: 'quarry-road', from: date, days: 1, now: NOW })).find(
        (s) => s.window === 'afternoon',
      )?.placesLeft;
    const [fromDate, toDate] = ['2026-12-07', '2026-12-08'];
    const full = placesIn('quarry-road', 'afternoon');
    for (let i = 0; i < 5; i++) {
      const permit = await h.permits.issue(
        request({ propertyId: households[66 + (i % 4)], date: fromDate, window: 'afternoon', phone: '07700 900444' }),
      );
      if (!permit.ok) throw new Error(permit.reason);
      await Promise.all([
        h.permits.changeDate(
          permit.permit.reference,
          { phone: '07700 900444' },
          { date: toDate, window: 'afternoon' },
          NOW,
        ),
        h.permits.cancel(permit.permit.reference, { phone: '07700 900444' }, NOW),
      ]);
      expect(
        (await h.permits.findForPhone('07700 900444')).find((p) => p.reference === permit.permit.reference)?.status,
      ).toBe('cancelled');
      expect([await placesLeft(fromDate), await placesLeft(toDate)]).toEqual([full, full]);
    }
  });
});
