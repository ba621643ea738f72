/** When a person can be reached: the council's hours in London time, closed days, round the clock. */
import { describe, expect, it } from 'vitest';
import { ContactCentre } from '../../services/handoff/contactCentre.js';
import { alwaysOpenDataDir } from '../helpers/councilData.js';

const demoford = ContactCentre.load('data/demo');
const at = (iso: string) => new Date(iso);

describe("Demoford's contact centre hours (Monday to Friday, 9am to 5pm)", () => {
  it.each([
    ['2026-11-23T09:00:00Z', true, 'Monday 9am GMT, opening'],
    ['2026-11-23T16:59:00Z', true, 'Monday 4:59pm'],
    ['2026-11-23T17:00:00Z', false, 'Monday 5pm, closing'],
    ['2026-11-28T12:00:00Z', false, 'Saturday noon'],
    ['2026-07-06T08:30:00Z', true, 'Monday 9:30am BST is 8:30 UTC'],
    ['2026-07-06T16:30:00Z', false, 'Monday 5:30pm BST is 16:30 UTC'],
    ['2026-12-25T12:00:00Z', false, 'Christmas Day, a Friday'],
  ])('%s is %s (%s)', (iso, open) => {
    expect(demoford.isOpen(at(iso))).toBe(open);
  });
});

describe('a contact centre staffed round the clock ("00:00" to "24:00")', () => {
  const always = ContactCentre.load(alwaysOpenDataDir());

  it.each(['2026-11-23T00:00:00Z', '2026-11-28T23:59:59Z', '2026-12-25T03:00:00Z', '2026-03-29T01:30:00Z'])(
    'is open at %s',
    (iso) => {
      expect(always.isOpen(at(iso))).toBe(true);
    },
  );
});
