/** The permit rules that need no database: vehicles in residents' words, eligibility, registrations. */
import { describe, expect, it } from 'vitest';
import { PermitPolicy } from '../../services/tip/permitPolicy.js';
import { normaliseRegistration } from '../../services/tip/registration.js';
import { sites, tipData } from './tipFixtures.js';

const policy = new PermitPolicy(tipData.policy, sites);

describe('the vehicle a resident describes', () => {
  it.each([
    ['a transit', 'van'],
    ['ford ranger pick up', 'pickup'],
    ['citroen berlingo', 'car-derived-van'],
    ['car and trailer', 'trailer'],
    ['just my car', 'car'],
    ['a luton van', 'large-vehicle'],
    ['my company van, it has signwriting', 'commercial'],
    ['tipper truck', 'tipper'],
  ])('"%s" is a %s', (text, id) => {
    expect(policy.vehicleFromText(text)?.id).toBe(id);
  });

  it('knows nothing from an answer that names no vehicle', () => {
    expect(policy.vehicleFromText('yes please')).toBeNull();
  });
});

describe('eligibility', () => {
  it('lets vans, pick-ups and car-derived vans have a permit', () => {
    for (const vehicleType of ['van', 'pickup', 'car-derived-van'])
      expect(policy.eligibility({ vehicleType })).toMatchObject({ eligible: true });
  });

  it('takes a trailer up to 2.5 metres, not beyond', () => {
    expect(policy.eligibility({ vehicleType: 'trailer', trailerLengthMetres: 2.5 })).toMatchObject({
      eligible: true,
      vehicle: { trailer: true },
    });
    expect(policy.eligibility({ vehicleType: 'trailer', trailerLengthMetres: 2.6 })).toMatchObject({
      eligible: false,
      reason: 'trailer_too_long',
    });
  });
});

describe('the rolling allowance', () => {
  it('renews when the oldest counted visit is 12 months old', () => {
    const dates = Array.from({ length: 12 }, (_, i) => `2026-${String(i + 1).padStart(2, '0')}-15`);
    expect(policy.allowance(dates, '2026-12-20')).toEqual({ used: 12, allowed: 12, renewsOn: '2027-01-15' });
    expect(policy.allowance(dates, '2027-01-15')).toMatchObject({ used: 11 });
    expect(policy.allowance([], '2026-12-20')).toEqual({ used: 0, allowed: 12, renewsOn: null });
  });
});

describe('registrations as typed', () => {
  it.each([
    ['ab12cde', 'AB12 CDE'],
    [' AB12 CDE ', 'AB12 CDE'],
    ['a123bcd', 'A123 BCD'],
    ['ABC123D', 'ABC 123D'],
    ['abc 123', 'ABC 123'],
  ])('%s is %s', (typed, display) => {
    expect(normaliseRegistration(typed)?.display).toBe(display);
  });

  it.each(['HELLO', '12345', 'AB12CDEF', 'AB-12-C!', ''])('"%s" is not a registration', (typed) => {
    expect(normaliseRegistration(typed)).toBeNull();
  });
});
