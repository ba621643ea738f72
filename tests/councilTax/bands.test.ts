import { describe, expect, it } from 'vitest';
import { COUNCIL_TAX_BANDS } from '../../services/councilTax/councilTaxRecords.js';
import { formatPounds } from '../../services/councilTax/money.js';
import { councilTax, data, demo, FIXTURES } from './councilTaxData.js';

describe('council tax bands and charges', () => {
  it("gives 1 High Street, DF1 1AA its band and this year's charge", async () => {
    expect(await councilTax.bandFor(FIXTURES.highStreet1)).toEqual({
      propertyId: FIXTURES.highStreet1,
      address: '1 High Street, Demoford, DF1 1AA',
      band: 'C',
      annualCharge: 202667,
      year: '2026/27',
    });
  });

  it("gives 22 Mill Lane, DF2 4QT its band and this year's charge", async () => {
    expect(await councilTax.bandFor(FIXTURES.millLane22)).toMatchObject({
      address: '22 Mill Lane, Demoford, DF2 4QT',
      band: 'C',
      annualCharge: 202667,
    });
    expect(await councilTax.bandFor(FIXTURES.millLane14)).toMatchObject({ band: 'B', annualCharge: 177333 });
  });

  it('says the band and charge in the answer, on the web and by text', async () => {
    const answer = await councilTax.bandAnswer(FIXTURES.highStreet1);
    expect(answer?.sms).toContain('1 High Street, Demoford, DF1 1AA is in council tax band C');
    expect(answer?.sms).toContain('£2,026.67 a year');
    expect(answer?.web).toContain('£2,026.67');
    expect(answer?.sms).toContain(answer?.moreUrl);
    expect(answer?.sms).not.toMatch(/\{\w+\}/);
  });

  it('knows the band of every property in the gazetteer, matching the gazetteer file', async () => {
    for (const entry of demo.gazetteer.entries) {
      const band = await councilTax.bandFor(entry.property.id);
      expect(band?.band, entry.property.label).toBe(entry.councilTaxBand);
      expect(band?.annualCharge).toBe(data.charges.get(entry.councilTaxBand)?.annualCharge);
    }
  });

  it('has nothing for a property the council does not hold', async () => {
    expect(await councilTax.bandFor('99999999')).toBeNull();
    expect(await councilTax.bandAnswer('99999999')).toBeNull();
  });

  it('charges each band its statutory fraction of band D, to the penny', async () => {
    const table = await councilTax.charges();
    expect(table.bands.map((b) => b.band)).toEqual([...COUNCIL_TAX_BANDS]);
    const d = table.bands.find((b) => b.band === 'D')?.annualCharge ?? 0;
    expect(d).toBeGreaterThan(200_000);
    const ninths = [6, 7, 8, 9, 11, 13, 15, 18];
    table.bands.forEach((b, i) => expect(Math.abs(b.annualCharge - (d * (ninths[i] ?? 0)) / 9)).toBeLessThanOrEqual(1));
    // The list of charges answer shows the same figures.
    const list = councilTax.answer('charges').sms;
    for (const b of table.bands) expect(list).toContain(`${b.band} ${formatPounds(b.annualCharge)}`);
  });
});

describe('topics', () => {
  it('offers topics for every council tax intent', () => {
    for (const intent of [
      'counciltax.band',
      'counciltax.pay',
      'counciltax.discount',
      'counciltax.moving',
      'counciltax.account',
      'counciltax.support',
    ] as const) {
      expect(councilTax.topics(intent).length, intent).toBeGreaterThan(0);
    }
  });

  it('finds the specific topic in what a resident typed', () => {
    expect(councilTax.findTopic('I live alone, can I get the single person discount?')?.topic).toBe('single_person');
    expect(councilTax.findTopic('a bailiff letter came today')?.topic).toBe('summons_bailiffs');
    expect(councilTax.findTopic('can I pay over 12 months', 'counciltax.pay')?.topic).toBe('instalments');
    expect(councilTax.findTopic('my son is a student at university')?.topic).toBe('students');
    expect(councilTax.findTopic('hello there')).toBeUndefined();
  });

  it('explains instalments with the payment days from payments.json', () => {
    const sms = councilTax.answer('instalments').sms;
    expect(sms).toContain('10 monthly instalments');
    expect(data.payments.paymentDays).toEqual([1, 8, 15, 22, 28]);
    expect(sms).toContain('on the 1st, 8th, 15th, 22nd or 28th of the month');
  });

  it('throws for a topic that is not in the data', () => {
    expect(() => councilTax.answer('parking')).toThrow(/parking/);
  });
});
