import { describe, expect, it } from 'vitest';
import { findDates } from '../../intents/entities/dates.js';

const december = new Date('2026-12-02T10:00:00Z');
const first = (text: string, now = december) => findDates(text, now)[0];

describe('UK holidays by name', () => {
  it.each([
    ['is my recycling going out on boxing day', '2026-12-26', 'Boxing Day'],
    ['what time does the dump close on xmas eve', '2026-12-24', 'Christmas Eve'],
    ['bins on christmas day?', '2026-12-25', 'Christmas Day'],
    ['tip open new years day?', '2027-01-01', "New Year's Day"],
    ["collections on new year's eve", '2026-12-31', "New Year's Eve"],
  ])('"%s" is %s', (text, value, named) => {
    expect(first(text)).toMatchObject({ value, named });
    expect(first(text)?.until).toBeUndefined();
  });

  it.each(['are my bins changed over christmas?', 'xmas bin collections?', 'over the christmas holidays', 'crimbo'])(
    '"%s" is the Christmas period',
    (text) => {
      expect(first(text)).toMatchObject({ value: '2026-12-24', until: '2027-01-03', named: 'Christmas' });
    },
  );

  it('"over new year" is a period too', () => {
    expect(first('any changes over new year')).toMatchObject({ value: '2026-12-31', until: '2027-01-03' });
  });

  it('a period in progress is this one, not next year’s', () => {
    expect(first('xmas bins', new Date('2027-01-02T10:00:00Z'))).toMatchObject({
      value: '2026-12-24',
      until: '2027-01-03',
    });
    expect(first('boxing day', new Date('2027-01-02T10:00:00Z'))).toMatchObject({ value: '2027-12-26' });
  });

  it('a named day is one date, not a day inside it as well', () => {
    expect(findDates('is the tip open on christmas day', december)).toHaveLength(1);
  });
});
