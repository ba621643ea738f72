/**
 * When a missed collection can be reported. 22 Mill Lane's rubbish is collected on Monday
 * 23 November 2026; reports open at 18:00 that day and close at the end of the second
 * working day after; the bin is returned for within two working days of the report.
 */
import { describe, expect, it } from 'vitest';
import { demo, FIXTURES, london } from './demoData.js';

const policy = demo.missedReportPolicy;
const { highStreet1, millLane22, millLane14 } = FIXTURES;
const check = (propertyId: string, stream: string, at: string, date?: string) =>
  policy.check({ propertyId, stream, now: london(at), ...(date ? { date } : {}) });

describe('MissedReportPolicy', () => {
  it('is too early on the collection day before the crews finish', async () => {
    expect(await check(millLane22, 'refuse', '2026-11-23T10:00')).toEqual({
      ok: false,
      reason: 'too_early',
      stream: 'refuse',
      collectionDate: '2026-11-23',
      reportFrom: '18:00',
    });
    expect(await check(millLane22, 'refuse', '2026-11-23T10:00', '2026-11-23')).toMatchObject({ reason: 'too_early' });
  });

  it('accepts a report from 18:00 on the collection day until the end of the second working day', async () => {
    expect(await check(millLane22, 'refuse', '2026-11-23T18:00')).toEqual({
      ok: true,
      stream: 'refuse',
      collectionDate: '2026-11-23',
      returnBy: '2026-11-25',
    });
    expect(await check(millLane22, 'food', '2026-11-25T23:59')).toEqual({
      ok: true,
      stream: 'food',
      collectionDate: '2026-11-23',
      returnBy: '2026-11-27',
    });
  });

  it('says the window has passed after that, with the next collection', async () => {
    expect(await check(millLane22, 'refuse', '2026-11-26T09:00')).toEqual({
      ok: false,
      reason: 'window_passed',
      stream: 'refuse',
      collectionDate: '2026-11-23',
      windowClosed: '2026-11-25',
      nextCollection: '2026-12-07',
    });
  });

  it('counts working days over a weekend: a Friday collection can be reported until Tuesday', async () => {
    expect(await check(highStreet1, 'refuse', '2026-12-01T16:00')).toMatchObject({
      ok: true,
      collectionDate: '2026-11-27',
      returnBy: '2026-12-03',
    });
    expect(await check(highStreet1, 'refuse', '2026-12-02T08:00')).toMatchObject({
      ok: false,
      reason: 'window_passed',
      windowClosed: '2026-12-01',
    });
  });

  it('counts working days over bank holidays, for a collection moved at Christmas', async () => {
    // Christmas Day's collection moved to Monday 28 December, itself a bank holiday.
    expect(await check(highStreet1, 'food', '2026-12-30T12:00')).toEqual({
      ok: true,
      stream: 'food',
      collectionDate: '2026-12-28',
      returnBy: '2027-01-04',
    });
  });

  it('says not due when the stream was not collected on the day the resident names', async () => {
    expect(await check(millLane22, 'refuse', '2026-11-24T09:00', '2026-11-24')).toEqual({
      ok: false,
      reason: 'not_due',
      stream: 'refuse',
      date: '2026-11-24',
      lastCollection: '2026-11-23',
      nextCollection: '2026-12-07',
    });
    // Recycling was last week, so "my recycling wasn't collected today" is not a missed bin.
    expect(await check(millLane22, 'recycling', '2026-11-23T19:00', '2026-11-23')).toMatchObject({
      ok: false,
      reason: 'not_due',
      lastCollection: '2026-11-16',
      nextCollection: '2026-11-30',
    });
    // The usual day of a moved collection is not the day it was due.
    expect(await check(millLane22, 'food', '2026-08-31T19:00', '2026-08-31')).toMatchObject({
      reason: 'not_due',
      nextCollection: '2026-09-01',
    });
  });

  it('refuses garden waste without a subscription', async () => {
    expect(await check(millLane14, 'garden', '2026-11-30T19:00')).toEqual({
      ok: false,
      reason: 'no_subscription',
      stream: 'garden',
    });
    expect(await check(millLane22, 'garden', '2026-11-30T19:00')).toMatchObject({
      ok: true,
      collectionDate: '2026-11-30',
    });
  });
});
