/**
 * Issuing and managing van and trailer permits, on SQLite and PostgreSQL. The assistant runs on
 * Monday 23 November 2026; every call names its own moment.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IssueRequest, IssueResult, Permit } from '../../services/tip/permits.js';
import { ENGINES } from '../helpers/databases.js';
import { demo, FIXTURES, london, otherProperties, permitsOn, placesIn, type PermitsHarness } from './tipFixtures.js';

const NOW = london('2026-11-23T10:00');
const HIGH_STREET = { propertyId: FIXTURES.highStreet1, postcode: 'DF1 1AA' };
const MILL_LANE = { propertyId: FIXTURES.millLane22, postcode: 'DF2 4QT' };

function request(overrides: Partial<IssueRequest> = {}): IssueRequest {
  return {
    propertyId: HIGH_STREET.propertyId,
    registration: 'ab12 cde',
    vehicleType: 'van',
    siteId: 'quarry-road',
    date: '2026-11-24',
    window: 'morning',
    phone: '07700 900123',
    channel: 'webchat',
    idempotencyKey: randomUUID(),
    declaredNoTradeWaste: true,
    now: NOW,
    ...overrides,
  };
}

function issued(result: IssueResult): Permit {
  if (!result.ok) throw new Error(`expected a permit, got ${result.reason}: ${result.message}`);
  return result.permit;
}

describe.each(ENGINES)('permits on $name', ({ create }) => {
  let h: PermitsHarness;
  // Each test books for its own households so they do not share an allowance.
  const households = otherProperties(40);
  let next = 0;
  const household = () => {
    const id = households[next++];
    if (!id) throw new Error('out of test households');
    return id;
  };

  beforeAll(async () => {
    h = await permitsOn(create);
  });
  afterAll(async () => {
    await h?.close();
  });

  describe('issuing', () => {
    it('issues a TP- permit with the registration as on the plate', async () => {
      const permit = issued(await h.permits.issue(request({ registration: 'ab12cde' })));
      expect(permit.reference).toMatch(/^TP-\d{6}$/);
      expect(permit).toMatchObject({
        propertyId: HIGH_STREET.propertyId,
        registration: 'AB12CDE',
        registrationDisplay: 'AB12 CDE',
        vehicleType: 'van',
        siteId: 'quarry-road',
        date: '2026-11-24',
        window: 'morning',
        status: 'booked',
      });
      expect(await h.permits.findByReference(permit.reference.toLowerCase(), 'df11aa')).toMatchObject({
        reference: permit.reference,
      });
    });

    it('returns the same permit for a retried request instead of issuing twice', async () => {
      const propertyId = household();
      const req = request({ propertyId });
      const first = issued(await h.permits.issue(req));
      const again = await h.permits.issue(req);
      expect(again).toMatchObject({ ok: true, created: false, permit: { reference: first.reference } });
      expect((await h.permits.visitsUsed(propertyId, NOW)).used).toBe(1);
    });

    it('issues for a car with a trailer within the length, keeping the length', async () => {
      const permit = issued(
        await h.permits.issue(request({ propertyId: household(), vehicleType: 'trailer', trailerLengthMetres: 2.4 })),
      );
      expect(permit).toMatchObject({ vehicleType: 'trailer', trailerLengthMetres: 2.4 });
    });

    it('offers only windows with places left that can still be booked', async () => {
      // 10:00 today: the morning window (to 12:00) can be booked until 11:00, the afternoon too.
      const today = await h.permits.availableSlots({ siteId: 'quarry-road', from: '2026-11-23', days: 1, now: NOW });
      expect(today.map((s) => s.window)).toEqual(['morning', 'afternoon']);
      const lateMorning = await h.permits.availableSlots({
        siteId: 'quarry-road',
        from: '2026-11-23',
        days: 1,
        now: london('2026-11-23T11:30'),
      });
      expect(lateMorning.map((s) => s.window)).toEqual(['afternoon']);
      // Northfield is shut on Wednesday 25th.
      const week = await h.permits.availableSlots({ siteId: 'northfield', from: '2026-11-24', days: 3, now: NOW });
      expect([...new Set(week.map((s) => s.date))]).toEqual(['2026-11-24', '2026-11-26']);
    });
  });

  describe('refusals, each with the rule and what to do instead', () => {
    const refusal = async (overrides: Partial<IssueRequest>) => {
      const result = await h.permits.issue(request({ propertyId: household(), ...overrides }));
      if (result.ok) throw new Error('expected a refusal');
      expect(result.message.length).toBeGreaterThan(20);
      return result;
    };

    it('refuses an address outside the borough', async () => {
      expect(await refusal({ propertyId: '99999999' })).toMatchObject({
        reason: 'not_resident',
        message: expect.stringContaining('only for people who live in Demoford'),
      });
    });

    it('refuses vehicles that may not use the tip, saying why', async () => {
      expect(await refusal({ vehicleType: 'tipper' })).toMatchObject({
        reason: 'not_eligible',
        message: expect.stringMatching(/Tippers can't use our tips/),
      });
      expect(await refusal({ vehicleType: 'large-vehicle' })).toMatchObject({
        reason: 'not_eligible',
        message: expect.stringMatching(/3\.5 tonnes/),
      });
      expect(await refusal({ vehicleType: 'car' })).toMatchObject({ reason: 'no_permit_needed' });
    });

    it('refuses a trailer over 2.5 metres, and asks for the length when it is missing', async () => {
      expect(await refusal({ vehicleType: 'trailer', trailerLengthMetres: 3 })).toMatchObject({
        reason: 'trailer_too_long',
        message: expect.stringContaining('2.5 metres'),
        details: { maxTrailerLengthMetres: 2.5 },
      });
      expect(await refusal({ vehicleType: 'trailer' })).toMatchObject({ reason: 'trailer_length_needed' });
    });

    it('refuses trade waste and a signwritten vehicle, saying where trade waste goes', async () => {
      expect(await refusal({ declaredNoTradeWaste: false })).toMatchObject({
        reason: 'trade_waste',
        message: expect.stringContaining('Trade Waste Centre'),
      });
      expect(await refusal({ vehicleType: 'commercial' })).toMatchObject({ reason: 'trade_waste' });
    });

    it('refuses a registration that no plate could have', async () => {
      for (const registration of ['HELLO WORLD', '12345', 'AB12 CDEF', '']) {
        expect(await refusal({ registration })).toMatchObject({ reason: 'invalid_registration' });
      }
    });

    it('refuses a phone number that is not one', async () => {
      expect(await refusal({ phone: '12345' })).toMatchObject({ reason: 'invalid_phone' });
    });

    it('refuses a day already gone and one beyond four weeks ahead, naming the last bookable day', async () => {
      expect(await refusal({ date: '2026-11-22' })).toMatchObject({
        reason: 'in_past',
        message: expect.stringContaining('Sunday 22 November'),
      });
      expect(await refusal({ date: '2026-12-22' })).toMatchObject({
        reason: 'too_far_ahead',
        details: { lastDate: '2026-12-21' },
      });
    });

    it('refuses a closed day, saying why and when it is next open, with slots to choose instead', async () => {
      const wednesday = await refusal({ siteId: 'northfield', date: '2026-11-25' });
      expect(wednesday).toMatchObject({
        reason: 'site_closed',
        message: expect.stringContaining('next open on Thursday 26 November'),
      });
      expect(wednesday.details.alternatives?.[0]).toMatchObject({
        siteId: 'northfield',
        date: '2026-11-26',
        window: 'morning',
      });
      const christmas = await refusal({ date: '2026-12-25', now: london('2026-12-01T09:00') });
      expect(christmas).toMatchObject({ reason: 'site_closed', message: expect.stringContaining('Christmas Day') });
    });

    it('refuses today’s window once it is too late to get there', async () => {
      expect(await refusal({ date: '2026-11-23', window: 'morning', now: london('2026-11-23T11:30') })).toMatchObject({
        reason: 'window_passed',
      });
    });

    it('refuses an unknown site or window, listing the real ones', async () => {
      expect(await refusal({ siteId: 'nowhere' })).toMatchObject({
        reason: 'unknown_site',
        message: expect.stringContaining('Quarry Road tip or Northfield tip'),
      });
      expect(await refusal({ window: 'evening' })).toMatchObject({ reason: 'unknown_window' });
    });

    it('refuses a full window and offers the next ones with places', async () => {
      const places = placesIn('northfield', 'afternoon');
      for (let i = 0; i < places; i++)
        issued(
          await h.permits.issue(
            request({ propertyId: household(), siteId: 'northfield', date: '2026-11-27', window: 'afternoon' }),
          ),
        );
      const full = await refusal({ siteId: 'northfield', date: '2026-11-27', window: 'afternoon' });
      expect(full).toMatchObject({ reason: 'slot_full', message: expect.stringContaining('fully booked') });
      expect(full.details.alternatives?.some((a) => a.date === '2026-11-27' && a.window === 'afternoon')).toBe(false);
      expect(full.details.alternatives?.length).toBeGreaterThan(0);
    });
  });

  describe('the allowance of 12 visits in 12 months', () => {
    it('refuses the 13th visit, saying when the household can book again', async () => {
      const propertyId = MILL_LANE.propertyId;
      // Eleven visits through the year, each booked the day before, and one still to come.
      const visits = [
        '2026-01-06',
        '2026-02-03',
        '2026-03-03',
        '2026-04-07',
        '2026-05-05',
        '2026-06-02',
        '2026-07-07',
        '2026-08-04',
        '2026-09-01',
        '2026-10-06',
        '2026-11-03',
      ];
      for (const date of visits)
        issued(await h.permits.issue(request({ propertyId, date, now: london(`${date}T07:00`).minus({ days: 1 }) })));
      const upcoming = issued(await h.permits.issue(request({ propertyId, date: '2026-11-30' })));

      expect(await h.permits.visitsUsed(propertyId, NOW)).toEqual({ used: 12, allowed: 12, renewsOn: '2027-01-06' });
      const refused = await h.permits.issue(request({ propertyId, date: '2026-12-02' }));
      expect(refused).toMatchObject({
        ok: false,
        reason: 'allowance_used',
        message: expect.stringContaining('Wednesday 6 January 2027'),
        details: { allowance: { used: 12, allowed: 12, renewsOn: '2027-01-06' } },
      });

      // Cancelling the upcoming visit gives it back (and its place in the window).
      const before = await h.permits.availableSlots({ siteId: 'quarry-road', from: '2026-11-30', days: 1, now: NOW });
      expect(await h.permits.cancel(upcoming.reference, { postcode: MILL_LANE.postcode }, NOW)).toMatchObject({
        ok: true,
        permit: { status: 'cancelled' },
      });
      const after = await h.permits.availableSlots({ siteId: 'quarry-road', from: '2026-11-30', days: 1, now: NOW });
      const morning = (slots: typeof before) => slots.find((s) => s.window === 'morning')?.placesLeft;
      expect(morning(after)).toBe((morning(before) ?? 0) + 1);
      expect((await h.permits.visitsUsed(propertyId, NOW)).used).toBe(11);
      issued(await h.permits.issue(request({ propertyId, date: '2026-12-02' })));
    });

    it('counts a visit only for 12 months: the January visit no longer counts in the new year', async () => {
      const used = await h.permits.visitsUsed(MILL_LANE.propertyId, london('2027-01-06T09:00'));
      expect(used.used).toBe(11);
    });
  });

  describe('managing a permit', () => {
    it('cancel restores the place in the window and the visit', async () => {
      const propertyId = household();
      const placesLeft = async () =>
        (await h.permits.availableSlots({ siteId: 'northfield', from: '2026-12-03', days: 1, now: NOW })).find(
          (s) => s.window === 'morning',
        )?.placesLeft;
      const before = await placesLeft();
      const permit = issued(
        await h.permits.issue(request({ propertyId, siteId: 'northfield', date: '2026-12-03', phone: '07700 900555' })),
      );
      expect(await placesLeft()).toBe((before ?? 0) - 1);
      expect((await h.permits.visitsUsed(propertyId, NOW)).used).toBe(1);

      expect(await h.permits.cancel(permit.reference, { phone: '+447700900555' }, NOW)).toMatchObject({ ok: true });
      expect(await placesLeft()).toBe(before);
      expect((await h.permits.visitsUsed(propertyId, NOW)).used).toBe(0);
      // A second cancel frees nothing more.
      expect(await h.permits.cancel(permit.reference, { phone: '07700900555' }, NOW)).toMatchObject({
        ok: false,
        reason: 'already_cancelled',
      });
      expect(await placesLeft()).toBe(before);
    });

    it('a stranger cannot see or cancel a permit with the wrong postcode or phone', async () => {
      const permit = issued(
        await h.permits.issue(request({ propertyId: household(), phone: '07700 900777', date: '2026-12-04' })),
      );
      expect(await h.permits.findByReference(permit.reference, postcodeOf(permit.propertyId))).toMatchObject({
        reference: permit.reference,
      });
      expect(await h.permits.findByReference(permit.reference, 'DF2 4QT')).toBeNull();
      expect(await h.permits.findByReference(permit.reference, 'not a postcode')).toBeNull();
      expect(await h.permits.findForPhone('07700 900778')).toEqual([]);
      const wrong = await h.permits.cancel(permit.reference, { phone: '07700 900778' }, NOW);
      expect(wrong).toMatchObject({ ok: false, reason: 'not_found' });
      // The same answer as for a reference that does not exist, so guessing reveals nothing.
      expect(await h.permits.cancel('TP-000000', { phone: '07700 900778' }, NOW)).toMatchObject({
        ok: false,
        reason: 'not_found',
        message: wrong.ok ? '' : wrong.message,
      });
      expect(
        await h.permits.changeRegistration(permit.reference, { postcode: 'DF2 4QT' }, 'XY99 ZZZ', NOW),
      ).toMatchObject({ ok: false, reason: 'not_found' });
      expect((await h.permits.findForPhone('07700900777')).map((p) => [p.reference, p.status])).toEqual([
        [permit.reference, 'booked'],
      ]);
    });

    it('the booking phone number finds the permits it booked', async () => {
      const propertyId = household();
      const a = issued(await h.permits.issue(request({ propertyId, phone: '07700 900888', date: '2026-12-07' })));
      const b = issued(await h.permits.issue(request({ propertyId, phone: '+44 7700 900888', date: '2026-12-08' })));
      expect((await h.permits.findForPhone('07700900888')).map((p) => p.reference)).toEqual([b.reference, a.reference]);
    });

    it('moves a permit to another day, freeing the old place and refusing a closed day', async () => {
      const permit = issued(
        await h.permits.issue(request({ propertyId: household(), siteId: 'northfield', date: '2026-12-10' })),
      );
      const creds = { postcode: postcodeOf(permit.propertyId) };
      expect(
        await h.permits.changeDate(permit.reference, creds, { date: '2026-12-09', window: 'morning' }, NOW),
      ).toMatchObject({ ok: false, reason: 'site_closed' });
      const moved = await h.permits.changeDate(
        permit.reference,
        creds,
        { date: '2026-12-11', window: 'afternoon' },
        NOW,
      );
      expect(moved).toMatchObject({
        ok: true,
        permit: { date: '2026-12-11', window: 'afternoon', reference: permit.reference },
      });
      const on10th = await h.permits.availableSlots({ siteId: 'northfield', from: '2026-12-10', days: 1, now: NOW });
      expect(on10th.find((s) => s.window === 'morning')?.placesLeft).toBe(placesIn('northfield', 'morning'));
      expect((await h.permits.visitsUsed(permit.propertyId, NOW)).used).toBe(1);
    });

    it('changes the registration, checking it, and refuses changes once the window has started', async () => {
      const permit = issued(
        await h.permits.issue(
          request({
            propertyId: HIGH_STREET.propertyId,
            date: '2026-11-23',
            window: 'afternoon',
            idempotencyKey: randomUUID(),
          }),
        ),
      );
      const creds = { postcode: HIGH_STREET.postcode };
      expect(await h.permits.changeRegistration(permit.reference, creds, 'not a reg!', NOW)).toMatchObject({
        ok: false,
        reason: 'invalid_registration',
      });
      expect(await h.permits.changeRegistration(permit.reference, creds, 'xy99zzz', NOW)).toMatchObject({
        ok: true,
        permit: { registration: 'XY99ZZZ' },
      });
      const late = await h.permits.cancel(permit.reference, creds, london('2026-11-23T12:05'));
      expect(late).toMatchObject({ ok: false, reason: 'too_late_to_change' });
      expect((await h.permits.findByReference(permit.reference, creds.postcode))?.status).toBe('booked');
    });
  });
});

function postcodeOf(propertyId: string): string {
  const postcode = demo.gazetteer.get(propertyId)?.property.postcode;
  if (!postcode) throw new Error(`no property ${propertyId}`);
  return postcode;
}
