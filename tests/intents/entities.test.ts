import { describe, expect, it } from 'vitest';
import {
  extractEntities,
  findAccountNumbers,
  findDates,
  findHouseNumbers,
  findPhones,
  findPostcodes,
  findReferences,
  findRegistrations,
  parseAccountNumber,
  parseDate,
  parseHouseNumber,
  parsePhone,
  parsePostcode,
  parseReference,
  parseRegistration,
  parseYesNo,
} from '../../intents/entities/index.js';

// Wednesday 11 March 2026, 10:00 in London (GMT).
const WEDNESDAY = new Date('2026-03-11T10:00:00Z');

describe('postcodes', () => {
  it('finds a full postcode in any case and spacing, normalised with outward and inward parts', () => {
    expect(parsePostcode('df11aa')).toBe('DF1 1AA');
    expect(parsePostcode('DF1 1AA')).toBe('DF1 1AA');
    expect(parsePostcode('  df2   4qt ')).toBe('DF2 4QT');
    expect(parsePostcode('SW1A1AA')).toBe('SW1A 1AA');
    const [found] = findPostcodes('bin day for 1 High Street DF1 1AA please');
    expect(found).toMatchObject({
      type: 'postcode',
      value: 'DF1 1AA',
      outward: 'DF1',
      inward: '1AA',
      text: 'DF1 1AA',
      start: 26,
      end: 33,
    });
  });

  it('does not take an outward code alone, a registration or a malformed postcode', () => {
    expect(parsePostcode('OX4')).toBeNull();
    expect(parsePostcode('I live in OX4')).toBeNull();
    expect(parsePostcode('AB12CDE')).toBeNull();
    expect(parsePostcode('DF1 1A')).toBeNull();
    expect(parsePostcode('D11 AAA')).toBeNull();
    expect(parsePostcode('DF11AAA')).toBeNull();
  });

  it('finds a real postcode outside the borough too (the dialog decides what to say)', () => {
    expect(parsePostcode('ox1 1aa')).toBe('OX1 1AA');
  });
});

describe('vehicle registrations', () => {
  it('reads current-format plates in any case and spacing', () => {
    for (const typed of ['AB12CDE', 'ab12 cde', 'AB12  CDE', 'Ab12Cde']) {
      expect(parseRegistration(typed)).toEqual({ value: 'AB12CDE', display: 'AB12 CDE' });
    }
    const [found] = findRegistrations('permit for van reg yk19 abc on sat');
    expect(found).toMatchObject({ value: 'YK19ABC', display: 'YK19 ABC', text: 'yk19 abc' });
  });

  it('reads older prefix and suffix plates, and dateless ones only as a whole answer', () => {
    expect(parseRegistration('A123 BCD')).toEqual({ value: 'A123BCD', display: 'A123 BCD' });
    expect(parseRegistration('abc 123d')).toEqual({ value: 'ABC123D', display: 'ABC 123D' });
    expect(parseRegistration('ABC 123')).toEqual({ value: 'ABC123', display: 'ABC 123' });
    expect(findRegistrations('my van is ABC 123D')).toHaveLength(1);
    expect(findRegistrations('bin 12 was missed')).toEqual([]);
  });

  it('does not mistake postcodes, dates or prose for a plate', () => {
    expect(findRegistrations('DF1 1AA')).toEqual([]);
    expect(findRegistrations('collection on 15 mar please')).toEqual([]);
    expect(findRegistrations('I need x2 bag collections')).toEqual([]);
    expect(parseRegistration('AB1 CDE')).toBeNull();
    // I, Q and Z are never used in a current plate's memory tag.
    expect(parseRegistration('IB12CDE')).toBeNull();
  });
});

describe('dates and day parts in Europe/London', () => {
  it('resolves relative days, weekdays and day parts', () => {
    expect(parseDate('tomorrow', WEDNESDAY)).toEqual({ value: '2026-03-12' });
    expect(parseDate('2moro', WEDNESDAY)).toEqual({ value: '2026-03-12' });
    expect(parseDate('today', WEDNESDAY)).toEqual({ value: '2026-03-11' });
    // "next Saturday" on a Wednesday is next week's; "this coming Saturday" (or just "sat") this week's.
    expect(parseDate('next Saturday', WEDNESDAY)).toEqual({ value: '2026-03-21' });
    expect(parseDate('this coming Saturday', WEDNESDAY)).toEqual({ value: '2026-03-14' });
    expect(parseDate('sat morning', WEDNESDAY)).toEqual({ value: '2026-03-14', dayPart: 'morning' });
    expect(parseDate('tomorrow afternoon', WEDNESDAY)).toEqual({ value: '2026-03-12', dayPart: 'afternoon' });
    expect(parseDate('tonight', WEDNESDAY)).toEqual({ value: '2026-03-11', dayPart: 'evening' });
    expect(parseDate('wednesday', WEDNESDAY)).toEqual({ value: '2026-03-11' });
    expect(parseDate('next wednesday', WEDNESDAY)).toEqual({ value: '2026-03-18' });
  });

  it('reads a weekday written before a date as that one date, not the next such weekday', () => {
    expect(parseDate('tuesday 17 march', WEDNESDAY)).toEqual({ value: '2026-03-17' });
    expect(parseDate('Sat 28th March morning', WEDNESDAY)).toEqual({ value: '2026-03-28', dayPart: 'morning' });
    expect(findDates('van permit for friday, the 20th of march', WEDNESDAY)).toHaveLength(1);
  });

  it('reads day-month dates in British order and rolls a long-past one to next year', () => {
    expect(parseDate('15 March', WEDNESDAY)).toEqual({ value: '2026-03-15' });
    expect(parseDate('March 15th', WEDNESDAY)).toEqual({ value: '2026-03-15' });
    expect(parseDate('the 3rd of april', WEDNESDAY)).toEqual({ value: '2026-04-03' });
    expect(parseDate('15/03', WEDNESDAY)).toEqual({ value: '2026-03-15' });
    expect(parseDate('01/02/2027', WEDNESDAY)).toEqual({ value: '2027-02-01' });
    expect(parseDate('5 jan', WEDNESDAY)).toEqual({ value: '2027-01-05' });
    expect(parseDate('31 february', WEDNESDAY)).toBeNull();
  });

  it('looks backwards for reports of something that already happened', () => {
    expect(parseDate('yesterday', WEDNESDAY)).toEqual({ value: '2026-03-10' });
    expect(parseDate('last tuesday', WEDNESDAY)).toEqual({ value: '2026-03-10' });
    expect(parseDate('monday', WEDNESDAY, 'past')).toEqual({ value: '2026-03-09' });
    expect(parseDate('monday', WEDNESDAY)).toEqual({ value: '2026-03-16' });
  });

  it('uses the London calendar day, not UTC, around midnight and the clock change', () => {
    // 23:30 UTC on 30 June is 00:30 on 1 July in London (BST).
    expect(parseDate('today', new Date('2026-06-30T23:30:00Z'))).toEqual({ value: '2026-07-01' });
    // Clocks go forward on Sunday 29 March 2026.
    expect(parseDate('tomorrow', new Date('2026-03-28T23:30:00Z'))).toEqual({ value: '2026-03-29' });
  });

  it('ignores prose that only looks like a day', () => {
    expect(findDates('I sat down and waited', WEDNESDAY)).toEqual([]);
    expect(findDates('the sun is out', WEDNESDAY)).toEqual([]);
    expect(parseDate('whenever', WEDNESDAY)).toBeNull();
  });
});

describe('references', () => {
  it('normalises permit, missed-bin and case references however they are typed', () => {
    expect(parseReference('tp123456')).toBe('TP-123456');
    expect(parseReference('TP 123456')).toBe('TP-123456');
    expect(findReferences('my ref is mb-654321')).toMatchObject([{ type: 'missedBinRef', value: 'MB-654321' }]);
    expect(findReferences('case HC_000123 please')).toMatchObject([{ type: 'caseRef', value: 'HC-000123' }]);
    expect(parseReference('TP-123456', 'caseRef')).toBeNull();
  });

  it('rejects the wrong number of digits or an unknown prefix', () => {
    expect(parseReference('TP-12345')).toBeNull();
    expect(parseReference('TP-1234567')).toBeNull();
    expect(parseReference('XY-123456')).toBeNull();
  });
});

describe('council tax account numbers', () => {
  it('reads 8 digits, also typed in two groups', () => {
    expect(parseAccountNumber('my account is 50001234')).toBe('50001234');
    expect(parseAccountNumber('5000 1234')).toBe('50001234');
  });

  it('does not take part of a longer number or a shorter one', () => {
    expect(findAccountNumbers('500012345')).toEqual([]);
    expect(findAccountNumbers('1234567')).toEqual([]);
    expect(findAccountNumbers('call 07911 123456')).toEqual([]);
  });
});

describe('phone numbers', () => {
  it('returns UK numbers in E.164', () => {
    expect(parsePhone('ring me on 07700 900123')).toBe('+447700900123');
    expect(parsePhone('+44 7911 123456')).toBe('+447911123456');
    expect(parsePhone('01632 960001')).toBe('+441632960001');
    expect(findPhones('call 07911123456 after 5')).toMatchObject([{ type: 'phone', text: '07911123456' }]);
  });

  it('ignores numbers too short to be a phone', () => {
    expect(parsePhone('0123')).toBeNull();
    expect(parsePhone('50001234')).toBeNull();
  });
});

describe('yes/no answers', () => {
  it('understands the usual ways of saying yes and no', () => {
    for (const yes of ['yes', 'y', 'Yeah', 'yep', 'ok', 'OK!', 'yes please', 'sure'])
      expect(parseYesNo(yes)).toBe(true);
    for (const no of ['no', 'n', 'nope', 'No thanks', 'nah']) expect(parseYesNo(no)).toBe(false);
  });

  it('is not fooled by "no" used as a word in a sentence', () => {
    expect(parseYesNo('no one collected my bin')).toBeNull();
    expect(parseYesNo('maybe')).toBeNull();
    expect(parseYesNo('yesterday')).toBeNull();
  });
});

describe('house numbers and names', () => {
  it('finds a number with its street or postcode, and named houses', () => {
    expect(findHouseNumbers('wen is bin colection for 14 mill lane')).toMatchObject([{ value: '14', text: '14' }]);
    expect(findHouseNumbers('14a High St')).toMatchObject([{ value: '14a' }]);
    expect(findHouseNumbers('1, DF1 1AA')).toMatchObject([{ value: '1' }]);
    expect(findHouseNumbers('flat 3 please')).toMatchObject([{ value: '3' }]);
    expect(findHouseNumbers('Rose Cottage, Mill Lane')).toMatchObject([{ value: 'Rose Cottage' }]);
  });

  it('reads a prompt answer, and does not take amounts, dates or prose', () => {
    expect(parseHouseNumber('14A')).toBe('14a');
    expect(parseHouseNumber('rose cottage')).toBe('Rose Cottage');
    expect(parseHouseNumber('no idea')).toBeNull();
    expect(findHouseNumbers('I paid £14 last week')).toEqual([]);
    expect(findHouseNumbers('the old farm house road is closed')).toEqual([]);
  });
});

describe('all entities in one message', () => {
  it('pulls out everything a resident said, with spans that point at what they typed', () => {
    const text = 'book van AB12 CDE for sat morning, 22 Mill Lane DF2 4QT, ring 07700 900123';
    const entities = extractEntities(text, WEDNESDAY);
    expect(entities.map((e) => e.type)).toEqual(['registration', 'date', 'houseNumber', 'postcode', 'phone']);
    for (const e of entities) expect(text.slice(e.start, e.end)).toBe(e.text);
    expect(entities[1]).toMatchObject({ value: '2026-03-14', dayPart: 'morning' });
  });

  it('never reports one span as two things', () => {
    const entities = extractEntities('cancel TP-123456 for DF1 1AA account 50001234', WEDNESDAY);
    expect(entities.map((e) => e.type)).toEqual(['permitRef', 'postcode', 'accountNumber']);
  });
});
