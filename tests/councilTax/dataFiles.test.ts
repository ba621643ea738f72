/**
 * A mistake in the council tax files stops start-up with the file, record and field named.
 * Each case copies the demo data to a temporary folder and breaks one thing.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadCouncilTaxData } from '../../services/councilTax/councilTaxData.js';
import { DataFileError } from '../../services/data/loadDataFile.js';
import { DEMO_DIR, demo } from './councilTaxData.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function loadError(file: string, edit: (text: string) => string): DataFileError {
  const dir = mkdtempSync(join(tmpdir(), 'council-tax-data-'));
  temps.push(dir);
  cpSync(DEMO_DIR, dir, { recursive: true });
  const path = join(dir, 'counciltax', file);
  const before = readFileSync(path, 'utf8');
  const after = edit(before);
  if (after === before) throw new Error('the edit changed nothing');
  writeFileSync(path, after);
  try {
    loadCouncilTaxData(dir, demo.gazetteer);
  } catch (error) {
    if (error instanceof DataFileError) return error;
    throw error;
  }
  throw new Error('expected a DataFileError');
}

describe('council tax data files', () => {
  it('refuse an SMS answer longer than two texts, naming the topic', () => {
    const error = loadError('answers.json', (t) =>
      t.replace(
        'Bands are set by the Valuation Office Agency (VOA), not the council. If',
        `Bands are set by the Valuation Office Agency (VOA), not the council, ${'really '.repeat(10)}. If`,
      ),
    );
    expect(error.message).toMatch(
      /answers\.json topics\[2\] \(id challenge_band\): sms is \d+ characters filled in, longer than 2 texts/,
    );
  });

  it('refuse a curly quote in an SMS answer', () => {
    const error = loadError('answers.json', (t) =>
      t.replace("If you're the only adult", 'If you\u2019re the only adult'),
    );
    expect(error.message).toMatch(
      /id single_person\): sms has characters a text message cannot carry cheaply \("\u2019"\)/,
    );
  });

  it('refuse an unknown placeholder and an answer without its link', () => {
    const error = loadError('answers.json', (t) =>
      t.replace(
        'before any discounts. All bands: https://www.demoford.gov.uk/counciltax/bands',
        'before any {discount}.',
      ),
    );
    expect(error.message).toMatch(/id band\): sms must include the moreUrl link/);
    expect(error.message).toMatch(/id band\): sms: \{discount\} is not something the assistant can fill in/);
  });

  it('refuse a band charge that is not its fraction of band D', () => {
    const error = loadError('charges.json', (t) => t.replace('"annualCharge": "2786.67"', '"annualCharge": "2768.67"'));
    expect(error.message).toMatch(
      /charges\.json bands\[4\] \(band E\): annualCharge: £2,768.67 is not 11\/9 of band D \(£2,786.67\)/,
    );
  });

  it('refuse an account on a property the gazetteer does not hold', () => {
    const error = loadError('accounts.csv', (t) => t.replace('50002214,10013024', '50002214,19999999'));
    expect(error.message).toMatch(
      /accounts\.csv row 3 \(account 50002214\): property_id: "19999999" is not a property in the gazetteer/,
    );
  });

  it('refuse an action offered by an answer that does not exist', () => {
    const error = loadError('answers.json', (t) => t.replace('"offers": "report_move"', '"offers": "report_moving"'));
    expect(error.message).toMatch(/id moving\): offers: "report_moving" is not an action in actions\.json/);
  });

  it('refuse a case action collecting a field that is not defined', () => {
    const error = loadError('actions.json', (t) =>
      t.replace(
        '"collect": ["property", "name", "onlyAdultSince", "contact"]',
        '"collect": ["property", "name", "onlyAdultDate", "contact"]',
      ),
    );
    expect(error.message).toMatch(
      /actions\.json actions\[0\] \(id single_person_discount\): collect: "onlyAdultDate" is not one of the fields/,
    );
  });
});
