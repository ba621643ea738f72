/**
 * The tips' opening days and hours, and what they take, from the demo council's data files.
 * Dates are around Monday 23 November 2026.
 */
import { describe, expect, it } from 'vitest';
import { sites } from './tipFixtures.js';

const opening = (siteId: string, date: string) => sites.openingOn(siteId, date);

describe('opening hours by season', () => {
  it('opens later into the evening in summer than in winter', async () => {
    expect(await opening('quarry-road', '2027-06-14')).toMatchObject({
      open: true,
      opens: '08:00',
      closes: '18:00',
      season: 'summer',
    });
    expect(await opening('quarry-road', '2026-11-23')).toMatchObject({
      open: true,
      opens: '08:00',
      closes: '16:00',
      season: 'winter',
    });
  });

  it('changes season on the first of April and the first of October', async () => {
    expect(await opening('quarry-road', '2027-03-31')).toMatchObject({ season: 'winter', closes: '16:00' });
    expect(await opening('quarry-road', '2027-04-01')).toMatchObject({ season: 'summer', closes: '18:00' });
    expect(await opening('quarry-road', '2027-09-30')).toMatchObject({ season: 'summer' });
    expect(await opening('quarry-road', '2027-10-01')).toMatchObject({ season: 'winter' });
  });
});

describe('closed days', () => {
  it('closes Northfield on Wednesdays but not Quarry Road', async () => {
    expect(await opening('northfield', '2026-11-25')).toMatchObject({
      open: false,
      kind: 'weekday',
      reason: 'it closes every Wednesday',
    });
    expect(await opening('quarry-road', '2026-11-25')).toMatchObject({ open: true });
    expect(await opening('northfield', '2026-11-26')).toMatchObject({ open: true, opens: '09:00' });
  });

  it('closes both sites on Christmas Day, Boxing Day and New Year’s Day, naming the day', async () => {
    for (const site of ['quarry-road', 'northfield']) {
      expect(await opening(site, '2026-12-25')).toMatchObject({ open: false, kind: 'annual', reason: 'Christmas Day' });
      expect(await opening(site, '2026-12-26')).toMatchObject({ open: false, reason: 'Boxing Day' });
      expect(await opening(site, '2027-01-01')).toMatchObject({ open: false, reason: "New Year's Day" });
    }
    expect(await opening('quarry-road', '2026-12-24')).toMatchObject({ open: true });
  });

  it('keeps Quarry Road open on a bank holiday and says so; Northfield closes', async () => {
    // Monday 28 December 2026 is the substitute Boxing Day bank holiday; 31 May 2027 the Spring bank holiday.
    expect(await opening('quarry-road', '2026-12-28')).toMatchObject({ open: true, bankHoliday: 'Boxing Day' });
    expect(await opening('northfield', '2026-12-28')).toMatchObject({ open: false, kind: 'bank_holiday' });
    expect(await opening('northfield', '2027-05-31')).toMatchObject({
      open: false,
      kind: 'bank_holiday',
      reason: expect.stringContaining('Spring bank holiday'),
    });
    expect(await opening('quarry-road', '2027-05-31')).toMatchObject({
      open: true,
      season: 'summer',
      bankHoliday: 'Spring bank holiday',
    });
  });

  it('applies a one-off closure only to the site it names', async () => {
    expect(await opening('northfield', '2027-02-09')).toMatchObject({
      open: false,
      kind: 'one_off',
      reason: 'closed for resurfacing',
    });
    expect(await opening('quarry-road', '2027-02-09')).toMatchObject({ open: true });
  });

  it('lists the next open days over Christmas, skipping every closed day', async () => {
    const days = await sites.nextOpenDays('northfield', '2026-12-23', 4);
    // 23rd Wednesday, 25th/26th closed, 28th bank holiday, 30th Wednesday, 1st New Year's Day.
    expect(days.map((d) => d.date)).toEqual(['2026-12-24', '2026-12-27', '2026-12-29', '2026-12-31']);
  });
});

describe('where the tips are', () => {
  it('lists both sites with address and directions', async () => {
    const list = await sites.list();
    expect(list.map((s) => s.id)).toEqual(['quarry-road', 'northfield']);
    expect(list[0]).toMatchObject({
      name: 'Demoford Household Waste Recycling Centre',
      address: expect.stringContaining('DF3'),
    });
    expect(list.every((s) => s.directions.length > 20)).toBe(true);
  });

  it('finds a site from how a resident names it, and nothing from an unclear answer', async () => {
    expect((await sites.findSite('the one on quarry road'))?.id).toBe('quarry-road');
    expect((await sites.findSite('Northfield please'))?.id).toBe('northfield');
    expect(await sites.findSite('the nearest one')).toBeNull();
  });
});

describe('what the tips take', () => {
  it('understands the words residents use', async () => {
    expect((await sites.material('can I take my old telly?'))?.material.id).toBe('tvs');
    expect((await sites.material('a fridge freezer'))?.material.id).toBe('fridges');
    expect((await sites.material('an old matress'))?.material.id).toBe('mattresses');
    expect((await sites.material('Can I bring my toilet'))?.material.id).toBe('rubble');
  });

  it('says the limit for paint and tyres, and what to do beyond it', async () => {
    const paint = await sites.material('5 tins of paint');
    expect(paint).toMatchObject({ accepted: true, limit: expect.stringContaining('5 tins') });
    expect(paint?.alternative).toBeTruthy();
    const tyres = await sites.material('old tyres');
    expect(tyres).toMatchObject({ accepted: true, limit: expect.stringContaining('4') });
    expect(tyres?.notAcceptedAt).toEqual(['northfield']);
  });

  it('refuses asbestos at every site and says what to do instead', async () => {
    const asbestos = await sites.material('asbestos roof sheets');
    expect(asbestos).toMatchObject({ accepted: false, acceptedAt: [], notAcceptedAt: ['quarry-road', 'northfield'] });
    expect(asbestos?.alternative).toMatch(/licensed asbestos contractor/);
  });

  it('says a fridge goes to Quarry Road, not Northfield', async () => {
    expect(await sites.material('fridge')).toMatchObject({
      accepted: true,
      acceptedAt: ['quarry-road'],
      notAcceptedAt: ['northfield'],
    });
  });

  it('finds each thing in a list, and does not see "oil" in "toilet" or anything in small talk', async () => {
    expect((await sites.materials('a fridge, a sofa and some paint')).map((m) => m.material.id)).toEqual([
      'fridges',
      'furniture',
      'paint',
    ]);
    expect((await sites.materials('toilet')).map((m) => m.material.id)).toEqual(['rubble']);
    expect(await sites.material('is it open on Sunday?')).toBeNull();
  });
});
