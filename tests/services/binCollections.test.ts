/**
 * Bin days from the demo council's real data files. `now` is always injected: the assistant
 * runs on Monday 23 November 2026 in these stories, but every case names its own moment.
 */
import { describe, expect, it } from 'vitest';
import type { NextCollection } from '../../services/bins/types.js';
import { demo, FIXTURES, london } from './demoData.js';

const bins = demo.binCollections;
const { highStreet1, millLane22, millLane14 } = FIXTURES;

/** { stream: "date" or "date (was original)" } for short, readable expectations. */
function summary(collections: NextCollection[]): Record<string, string> {
  return Object.fromEntries(
    collections.map((c) => [
      c.stream,
      `${c.date}${c.originalDate ? ` (was ${c.originalDate})` : ''}${c.isToday ? ' today' : ''}`,
    ]),
  );
}
const next = async (propertyId: string, at: string) => summary(await bins.nextCollections(propertyId, london(at)));
const dates = async (propertyId: string, stream: string, from: string, to: string) =>
  (await bins.scheduledCollections(propertyId, stream, from, to)).map((c) => c.date);

describe('a normal week', () => {
  it('gives each stream its next day, soonest first', async () => {
    const collections = await bins.nextCollections(millLane22, london('2026-11-17T10:00'));
    expect(summary(collections)).toEqual({
      refuse: '2026-11-23',
      food: '2026-11-23',
      recycling: '2026-11-30',
      garden: '2026-11-30',
    });
    expect(collections.map((c) => c.stream)).toEqual(['refuse', 'food', 'recycling', 'garden']);
    expect(collections[0]).toMatchObject({ name: 'rubbish', container: 'black bin', isToday: false });
    expect(collections[0]?.reason).toBeUndefined();
  });
});

describe('fortnightly alternation against the reference week', () => {
  it('collects rubbish and recycling in alternate weeks, food every week', async () => {
    expect(await dates(millLane22, 'refuse', '2026-11-01', '2026-12-20')).toEqual([
      '2026-11-09',
      '2026-11-23',
      '2026-12-07',
    ]);
    expect(await dates(millLane22, 'recycling', '2026-11-01', '2026-12-20')).toEqual([
      '2026-11-02',
      '2026-11-16',
      '2026-11-30',
      '2026-12-14',
    ]);
    expect(await dates(millLane22, 'food', '2026-11-01', '2026-11-30')).toEqual([
      '2026-11-02',
      '2026-11-09',
      '2026-11-16',
      '2026-11-23',
      '2026-11-30',
    ]);
  });

  it('puts week-B rounds the other way round', async () => {
    const monB = demo.gazetteer.entries.find((e) => e.roundId === 'MON-B');
    expect(monB).toBeDefined();
    expect(await dates(monB!.property.id, 'refuse', '2026-11-16', '2026-11-29')).toEqual(['2026-11-16']);
    expect(await dates(monB!.property.id, 'recycling', '2026-11-16', '2026-11-29')).toEqual(['2026-11-23']);
  });

  it('keeps the fortnight across 2026, a year of 53 ISO weeks (ISO week parity would break here)', async () => {
    expect(await dates(millLane22, 'refuse', '2026-12-14', '2027-01-31')).toEqual([
      '2026-12-21',
      '2027-01-05',
      '2027-01-18',
    ]);
  });
});

describe('garden waste only with a subscription', () => {
  it('collects it for a subscriber and not for a neighbour without one', async () => {
    expect((await next(millLane22, '2026-11-24T09:00')).garden).toBe('2026-11-30');
    expect((await next(millLane14, '2026-11-24T09:00')).garden).toBeUndefined();
    expect(await dates(millLane14, 'garden', '2026-11-01', '2026-12-31')).toEqual([]);
    expect(await bins.wasDue(millLane14, 'garden', '2026-11-30')).toBe(false);
    const streams = await bins.streamsFor(millLane14);
    expect(streams.find((s) => s.id === 'garden')).toMatchObject({ collected: false, requiresSubscription: true });
    expect(streams.filter((s) => s.collected).map((s) => s.id)).toEqual(['refuse', 'recycling', 'food']);
  });
});

describe('a bank holiday week', () => {
  it('moves collections on and after the holiday a day later (Summer bank holiday, Monday 31 August 2026)', async () => {
    const collections = await bins.nextCollections(millLane22, london('2026-08-27T12:00'));
    expect(summary(collections)).toMatchObject({
      refuse: '2026-09-01 (was 2026-08-31)',
      food: '2026-09-01 (was 2026-08-31)',
    });
    expect(collections[0]?.reason).toEqual({
      kind: 'bank_holiday',
      holiday: 'Summer bank holiday',
      holidayDate: '2026-08-31',
    });
  });

  it('moves Friday collections to the Saturday catch-up day', async () => {
    expect(await next(highStreet1, '2026-08-31T12:00')).toMatchObject({ food: '2026-09-05 (was 2026-09-04)' });
  });

  it('leaves the days before the holiday alone', async () => {
    // Easter Monday 6 April 2026 moves Monday's collections; the week before, Good Friday is worked.
    expect(await dates(highStreet1, 'food', '2026-03-30', '2026-04-12')).toEqual(['2026-04-03', '2026-04-11']);
    expect(await dates(millLane22, 'food', '2026-03-30', '2026-04-12')).toEqual(['2026-03-30', '2026-04-07']);
  });

  it('moves collections two days in a week with two bank holidays and no published change (Christmas 2027)', async () => {
    expect(await dates(millLane22, 'food', '2027-12-20', '2028-01-02')).toEqual(['2027-12-20', '2027-12-29']);
  });
});

describe('Christmas and New Year 2026-27 (one-off changes override the slip rule)', () => {
  it("moves Christmas Day and New Year's Day collections as published", async () => {
    const friday = await bins.scheduledCollections(highStreet1, 'food', '2026-12-21', '2027-01-10');
    expect(friday.map((c) => `${c.originalDate}->${c.date}`)).toEqual([
      '2026-12-25->2026-12-28',
      '2027-01-01->2027-01-04',
      '2027-01-08->2027-01-09',
    ]);
    expect(friday[0]?.reason).toEqual({ kind: 'one_off', reason: 'Christmas and New Year' });
  });

  it('moves the week between as published, not by the bank holiday rule', async () => {
    // The slip rule alone would put Monday 28 December's collections on Tuesday too, but
    // Thursday 31 December's on Friday 1 January, a bank holiday; the change says Saturday.
    const thursday = demo.gazetteer.entries.find((e) => e.roundId === 'THU-A')!.property.id;
    expect(await next(thursday, '2026-12-26T10:00')).toMatchObject({ food: '2027-01-02 (was 2026-12-31)' });
    expect(await next(millLane22, '2026-12-26T10:00')).toMatchObject({ food: '2026-12-29 (was 2026-12-28)' });
    expect(await next(highStreet1, '2026-12-24T10:00')).toMatchObject({ refuse: '2026-12-28 (was 2026-12-25)' });
  });
});

describe('a collection today', () => {
  it('is today until the crews finish at 18:00', async () => {
    expect(await next(millLane22, '2026-11-23T07:30')).toMatchObject({
      refuse: '2026-11-23 today',
      food: '2026-11-23 today',
    });
    expect(await next(millLane22, '2026-11-23T17:59')).toMatchObject({ refuse: '2026-11-23 today' });
  });

  it('is over from 18:00, and the next one is given', async () => {
    expect(await next(millLane22, '2026-11-23T18:00')).toEqual({
      recycling: '2026-11-30',
      garden: '2026-11-30',
      food: '2026-11-30',
      refuse: '2026-12-07',
    });
  });

  it('knows the last and whether a stream was due', async () => {
    const now = london('2026-11-23T09:00');
    expect(await bins.lastScheduledCollection(millLane22, 'refuse', now)).toEqual({
      stream: 'refuse',
      date: '2026-11-23',
    });
    expect(await bins.lastScheduledCollection(millLane22, 'recycling', now)).toEqual({
      stream: 'recycling',
      date: '2026-11-16',
    });
    expect(await bins.wasDue(millLane22, 'refuse', '2026-11-23')).toBe(true);
    expect(await bins.wasDue(millLane22, 'recycling', '2026-11-23')).toBe(false);
    expect(await bins.wasDue(millLane22, 'food', '2026-08-31')).toBe(false); // moved to 1 September
    expect(await bins.wasDue(millLane22, 'food', '2026-09-01')).toBe(true);
  });
});

describe('the turn of the year', () => {
  it('crosses from December 2026 into January 2027', async () => {
    expect(await next(millLane22, '2026-12-30T20:00')).toEqual({
      refuse: '2027-01-05 (was 2027-01-04)',
      food: '2027-01-05 (was 2027-01-04)',
      recycling: '2027-01-11',
      garden: '2027-01-11',
    });
    expect(await next(highStreet1, '2026-12-31T23:59')).toEqual({
      food: '2027-01-04 (was 2027-01-01)',
      recycling: '2027-01-04 (was 2027-01-01)',
      refuse: '2027-01-09 (was 2027-01-08)',
    });
    expect(await bins.lastScheduledCollection(millLane22, 'recycling', london('2027-01-01T10:00'))).toMatchObject({
      date: '2026-12-29',
    });
  });
});

describe('clock changes (Europe/London), with times where UTC is a different day', () => {
  it('BST to GMT (Sunday 25 October 2026): every Monday stays a Monday', async () => {
    // Stepping a week as 7 x 24 hours from a BST midnight would land on Sunday 25 October.
    expect(await dates(millLane22, 'food', '2026-10-12', '2026-11-09')).toEqual([
      '2026-10-12',
      '2026-10-19',
      '2026-10-26',
      '2026-11-02',
      '2026-11-09',
    ]);
  });

  it('BST to GMT week: late Sunday evening and just after midnight', async () => {
    expect(await next(millLane22, '2026-10-25T23:30')).toMatchObject({ food: '2026-10-26', refuse: '2026-10-26' });
    // 00:30 BST on Monday 19 October is 23:30 UTC on Sunday: it is collection day already.
    expect(await next(millLane22, '2026-10-19T00:30')).toMatchObject({ food: '2026-10-19 today' });
    // Saturday 24 October 00:30 BST is still Friday in UTC: Friday's collection is past.
    expect(await next(highStreet1, '2026-10-24T00:30')).toMatchObject({ food: '2026-10-30' });
  });

  it('GMT to BST (Sunday 28 March 2027), in Easter Monday week', async () => {
    expect(await next(millLane22, '2027-03-28T23:30')).toMatchObject({
      food: '2027-03-30 (was 2027-03-29)',
      refuse: '2027-03-30 (was 2027-03-29)',
    });
    // 00:30 BST on Tuesday 30 March is 23:30 UTC on Monday: the moved collection is today.
    expect(await next(millLane22, '2027-03-30T00:30')).toMatchObject({ food: '2027-03-30 (was 2027-03-29) today' });
    // A JS Date in UTC is read in London time too.
    expect(summary(await bins.nextCollections(millLane22, new Date('2027-03-29T23:30:00Z')))).toMatchObject({
      food: '2027-03-30 (was 2027-03-29) today',
    });
  });
});
