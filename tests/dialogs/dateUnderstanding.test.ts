/**
 * The one date understanding every job uses (chrono-node's British English parser with the UK's
 * named days and the council's bank holidays), read as residents write dates. The clock is
 * Wednesday 2 December 2026, 10am in London.
 */
import { describe, expect, it } from 'vitest';
import { dateIn, datesIn } from '../../dialogs/dates/dateUnderstanding.js';

const now = new Date('2026-12-02T10:00:00Z');
const bankHolidays = [
  { date: '2026-12-25', title: 'Christmas Day' },
  { date: '2026-12-28', title: 'Boxing Day (substitute day)' },
  { date: '2027-01-01', title: "New Year's Day" },
  { date: '2027-03-26', title: 'Good Friday' },
  { date: '2027-03-29', title: 'Easter Monday' },
];

describe('a date as residents write it', () => {
  it.each([
    ['can i come tomorrow', '2026-12-03'],
    ['2moro morning', '2026-12-03'],
    ['next friday', '2026-12-11'],
    ['change my booking to next friday', '2026-12-11'],
    ['friday', '2026-12-04'],
    ['this coming saturday', '2026-12-05'],
    ['on the 3rd', '2026-12-03'],
    ['the 1st', '2027-01-01'],
    ['tuesday week', '2026-12-15'],
    ['a week on saturday', '2026-12-12'],
    ['in 2 weeks', '2026-12-16'],
    ['4/12', '2026-12-04'],
    ['04/12/2026', '2026-12-04'],
    ['12th jan', '2027-01-12'],
    ['Tuesday 1 December', '2026-12-01'],
    ['boxing day', '2026-12-26'],
    ['christmas eve', '2026-12-24'],
    ["new year's day", '2027-01-01'],
    ['is the tip open on bank holiday monday', '2026-12-28'],
    ['easter monday', '2027-03-29'],
  ])('"%s" is %s', (text, expected) => {
    expect(dateIn(text, now, { bankHolidays })?.value).toBe(expected);
  });

  it('a day and month just gone is this year’s, so the resident can be told it has passed', () => {
    expect(dateIn('1 december', now)?.value).toBe('2026-12-01');
    expect(dateIn('15 march', now)?.value).toBe('2027-03-15');
  });

  it('looking back, a weekday or a date is the one just gone', () => {
    expect(dateIn('they missed it monday', now, { prefer: 'past' })?.value).toBe('2026-11-30');
    expect(dateIn('last tuesday', now)?.value).toBe('2026-12-01');
    expect(dateIn('since 1 October', now, { prefer: 'past' })?.value).toBe('2026-10-01');
  });

  it('"over christmas" is a period with its first and last day', () => {
    expect(dateIn('are my bins changed over christmas', now)).toMatchObject({
      value: '2026-12-24',
      until: '2027-01-03',
      named: 'Christmas',
    });
  });

  it('keeps the time of day said with the date', () => {
    expect(dateIn('sat morning', now)).toMatchObject({ value: '2026-12-05', dayPart: 'morning' });
    expect(dateIn('next friday in the afternoon', now)).toMatchObject({ value: '2026-12-11', dayPart: 'afternoon' });
  });

  it.each([
    'last week',
    'change the day of my permit TP-123456',
    'at 3',
    '22 Mill Lane DF2 4QT',
    'AB12 CDE',
    '2.4 metres',
    'i have 2 bins',
  ])('"%s" names no day', (text) => {
    expect(datesIn(text, now, { bankHolidays })).toEqual([]);
  });
});
