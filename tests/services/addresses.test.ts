import { describe, expect, it } from 'vitest';
import { matchAddress } from '../../services/addresses/matchAddress.js';
import { demo, FIXTURES } from './demoData.js';

const lookup = demo.addressLookup;

describe('the demo gazetteer', () => {
  const entries = demo.gazetteer.entries;

  it('holds at least 2,000 properties on 40-60 streets across DF1 to DF4', () => {
    expect(entries.length).toBeGreaterThanOrEqual(2000);
    const streets = new Set(entries.map((e) => e.property.street));
    expect(streets.size).toBeGreaterThanOrEqual(40);
    expect(streets.size).toBeLessThanOrEqual(60);
    expect([...demo.gazetteer.districts].sort()).toEqual(['DF1', 'DF2', 'DF3', 'DF4']);
  });

  it('puts about 10-20 properties in each postcode', () => {
    const sizes = demo.gazetteer.postcodes.map((p) => demo.gazetteer.inPostcode(p).length);
    expect(Math.min(...sizes)).toBeGreaterThanOrEqual(8);
    expect(Math.max(...sizes)).toBeLessThanOrEqual(24);
  });

  it('gives every property a round, a council tax band and flats in blocks', () => {
    expect(entries.every((e) => /^[A-H]$/.test(e.councilTaxBand) && e.roundId !== '')).toBe(true);
    expect(entries.filter((e) => e.property.flat !== undefined).length).toBeGreaterThan(50);
  });
});

describe('AddressLookup (embedded)', () => {
  it('has the fixtures the docs and tests use', async () => {
    const high = await lookup.getProperty(FIXTURES.highStreet1);
    expect(high?.label).toBe('1 High Street, Demoford, DF1 1AA');
    expect(high?.shortLabel).toBe('1 High Street');
    expect((await lookup.getProperty(FIXTURES.millLane22))?.label).toBe('22 Mill Lane, Demoford, DF2 4QT');
    expect((await lookup.getProperty(FIXTURES.millLane14))?.label).toBe('14 Mill Lane, Demoford, DF2 4QT');
    expect(await lookup.getProperty('99999999')).toBeNull();
  });

  it('finds a postcode however it is typed', async () => {
    for (const typed of ['df11aa', 'DF1 1AA', ' df1  1aa ', 'Df11Aa']) {
      const found = await lookup.findByPostcode(typed);
      expect(found[0]?.label, typed).toBe('1 High Street, Demoford, DF1 1AA');
    }
    expect(await lookup.findByPostcode('DF1 1A')).toEqual([]);
  });

  it('sorts naturally: 2 before 10, flats grouped under their building', async () => {
    const labels = (await lookup.findByPostcode('DF2 4QT')).map((p) => p.shortLabel);
    expect(labels.slice(0, 11)).toEqual([
      '2 Mill Lane',
      '4 Mill Lane',
      '6 Mill Lane',
      '8 Mill Lane',
      '10 Mill Lane',
      '12 Mill Lane',
      '14 Mill Lane',
      'Flat 1, 16 Mill Lane',
      'Flat 2, 16 Mill Lane',
      'Flat 3, 16 Mill Lane',
      '18 Mill Lane',
    ]);
    expect(labels).toContain('22 Mill Lane');
  });

  it('knows OX1 1AA is outside the borough, and an unlisted DF postcode is inside', async () => {
    expect(await lookup.coversPostcode('OX1 1AA')).toBe(false);
    expect(await lookup.findByPostcode('OX1 1AA')).toEqual([]);
    expect(await lookup.coversPostcode('df1 9zz')).toBe(true);
    expect(await lookup.coversPostcode('DF2')).toBe(true);
    expect(await lookup.coversPostcode('DF9 1AA')).toBe(false);
    expect(await lookup.coversPostcode('not a postcode')).toBe(false);
  });
});

describe('matchAddress', () => {
  const inPostcode = demo.gazetteer.inPostcode('DF2 4QT');
  const one = (text: string) => {
    const match = matchAddress(inPostcode, text);
    return match.kind === 'one' ? match.property.shortLabel : match.kind;
  };

  it.each([
    ['14', '14 Mill Lane'],
    ['14 mill lane', '14 Mill Lane'],
    ['14 Mill Ln', '14 Mill Lane'],
    ['22 mil lane', '22 Mill Lane'],
    ['22 Mill Lane DF2 4QT', '22 Mill Lane'],
    ['flat 2', 'Flat 2, 16 Mill Lane'],
    ['Flat 2, 16 Mill Lane', 'Flat 2, 16 Mill Lane'],
    ['2 mill house', 'Flat 2, 16 Mill Lane'],
    ['2 mill lane', '2 Mill Lane'],
    ['rose cottage', '18 Mill Lane'],
    ['Rose Cotage', '18 Mill Lane'],
  ])('"%s" is %s', (text, expected) => {
    expect(one(text)).toBe(expected);
  });

  it('asks which one when several match, and says none when nothing does', () => {
    const flats = matchAddress(inPostcode, '16');
    expect(flats.kind).toBe('several');
    expect(flats.kind === 'several' && flats.properties.map((p) => p.flat)).toEqual(['1', '2', '3']);
    expect(matchAddress(inPostcode, '99').kind).toBe('none');
    expect(matchAddress(inPostcode, 'buckingham palace').kind).toBe('none');
    expect(matchAddress(inPostcode, '').kind).toBe('none');
  });
});
