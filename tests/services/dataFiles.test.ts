/**
 * An invalid data file stops start-up with a DataFileError naming the file, the record and
 * the field. Each case copies the demo data to a temporary folder and breaks one thing.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { loadDemoCouncilData } from '../../services/data/loadDemoCouncilData.js';
import { DataFileError, loadCsvFile, loadJsonFile } from '../../services/data/loadDataFile.js';
import { DEMO_DIR } from './demoData.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A copy of data/demo with `edit` applied to one file's text. */
function brokenCopy(file: string, edit: (text: string) => string): string {
  const dir = mkdtempSync(join(tmpdir(), 'council-data-'));
  temps.push(dir);
  cpSync(DEMO_DIR, dir, { recursive: true });
  const path = join(dir, file);
  writeFileSync(path, edit(readFileSync(path, 'utf8')));
  return dir;
}

function loadError(dir: string): DataFileError {
  try {
    loadDemoCouncilData(dir);
  } catch (error) {
    if (error instanceof DataFileError) return error;
    throw error;
  }
  throw new Error('expected a DataFileError');
}

describe('the demo data files', () => {
  it('all load and validate', () => {
    const data = loadDemoCouncilData(DEMO_DIR);
    expect(data.gazetteer.entries.length).toBeGreaterThanOrEqual(2000);
    expect(data.bins.rounds.size).toBe(10);
    expect(data.bins.bankHolidays.filter((h) => h.date.startsWith('2026')).map((h) => h.date)).toEqual([
      '2026-01-01',
      '2026-04-03',
      '2026-04-06',
      '2026-05-04',
      '2026-05-25',
      '2026-08-31',
      '2026-12-25',
      '2026-12-28',
    ]);
  });
});

describe('invalid data files', () => {
  it('names the gazetteer row, property and field of a bad postcode', () => {
    const dir = brokenCopy('gazetteer.csv', (t) =>
      t.replace('10001006,5,,,High Street,,Demoford,DF1 1AA', '10001006,5,,,High Street,,Demoford,DF1 1A'),
    );
    const error = loadError(dir);
    expect(error.message).toMatch(
      /gazetteer\.csv row 7 \(property 10001006\): postcode: "DF1 1A" is not a valid postcode/,
    );
    expect(error.file).toMatch(/gazetteer\.csv$/);
  });

  it('reports every bad row at once', () => {
    const dir = brokenCopy('gazetteer.csv', (t) =>
      t
        .replace(',DF1 1AA,FRI-A,no,C', ',DF1 1AA,FRI-A,maybe,C')
        .replace(',Demoford,DF2 4QT,MON-A,no,B', ',Demoford,DF2 4QT,MON-A,no,Z'),
    );
    const error = loadError(dir);
    expect(error.problems).toHaveLength(2);
    expect(error.message).toMatch(/row 2 \(property 10001001\): garden_subscription: "maybe" must be yes or no/);
    expect(error.message).toMatch(/council_tax_band: "Z" is not a council tax band/);
  });

  it('names a duplicate property id and a round the bins data does not know', () => {
    expect(loadError(brokenCopy('gazetteer.csv', (t) => t.replace('10001002,', '10001001,'))).message).toMatch(
      /row 3 \(property 10001001\): property_id is also used on row 2/,
    );
    expect(
      loadError(brokenCopy('gazetteer.csv', (t) => t.replace(',DF1 1AA,FRI-A,', ',DF1 1AA,FRI-Z,'))).message,
    ).toMatch(/gazetteer\.csv row 2 \(property 10001001\): round_id: "FRI-Z" is not a round in .*rounds\.json/);
  });

  it('names the round and field of a bad day', () => {
    const dir = brokenCopy('bins/rounds.json', (t) => t.replace('"day": "monday"', '"day": "Mon"'));
    expect(loadError(dir).message).toMatch(
      /bins\/rounds\.json rounds\[0\] \(id MON-A\): day: "Mon" is not a day of the week/,
    );
  });

  it('names a misspelt setting instead of ignoring it', () => {
    const dir = brokenCopy('bins/collection-rules.json', (t) => t.replace('"crewsFinishBy"', '"crewsFinishby"'));
    const message = loadError(dir).message;
    expect(message).toMatch(/collection-rules\.json: collectionDay: has unknown field "crewsFinishby"/);
    expect(message).toMatch(/collectionDay\.crewsFinishBy: is missing/);
  });

  it('names a one-off change for a round that does not exist, and a bad date', () => {
    const unknownRound = brokenCopy('bins/changes.json', (t) =>
      t.replace('"date": "2026-12-25",', '"date": "2026-12-25", "rounds": ["FRI-C"],'),
    );
    expect(loadError(unknownRound).message).toMatch(
      /changes\.json changes\[2\] \(date 2026-12-25\): rounds: "FRI-C" is not a round/,
    );
    const badDate = brokenCopy('bins/changes.json', (t) =>
      t.replace('"newDate": "2026-12-28"', '"newDate": "2026-12-32"'),
    );
    expect(loadError(badDate).message).toMatch(
      /changes\[2\] \(date 2026-12-25\): newDate: "2026-12-32" is not a real date/,
    );
  });

  it('names a bank holiday file that is not GOV.UK format, and a file that is not JSON', () => {
    const noBunting = brokenCopy('bins/bank-holidays.json', (t) => t.replace('"bunting": false', '"bunting": "no"'));
    expect(loadError(noBunting).message).toMatch(
      /bank-holidays\.json england-and-wales\.events\[1\] \(date 2025-04-18\): bunting: Invalid input: expected boolean, received string \(found "no"\)/,
    );
    const notJson = brokenCopy('bins/streams.json', (t) => t.slice(0, -5));
    expect(loadError(notJson).message).toMatch(/streams\.json: is not valid JSON/);
  });
});

describe('the generic loaders', () => {
  it('load JSON and CSV for any schema, naming records by their id', () => {
    const dir = mkdtempSync(join(tmpdir(), 'council-data-'));
    temps.push(dir);
    writeFileSync(
      join(dir, 'sites.json'),
      JSON.stringify({
        sites: [
          { id: 'north', opens: '08:00' },
          { id: 'south', opens: 8 },
        ],
      }),
    );
    const schema = z.object({ sites: z.array(z.object({ id: z.string(), opens: z.string() })) });
    expect(() => loadJsonFile(join(dir, 'sites.json'), schema)).toThrow(
      /sites\.json sites\[1\] \(id south\): opens: Invalid input: expected string, received number \(found 8\)/,
    );

    writeFileSync(join(dir, 'accounts.csv'), 'id,band\n1,A\n2,\n');
    const rows = z.object({ id: z.string(), band: z.string().min(1) });
    expect(() => loadCsvFile(join(dir, 'accounts.csv'), rows)).toThrow(/accounts\.csv row 3 \(id 2\): band: is empty/);
    writeFileSync(join(dir, 'accounts.csv'), 'id,band\n1,A\n');
    expect(loadCsvFile(join(dir, 'accounts.csv'), rows)).toEqual([{ row: 2, value: { id: '1', band: 'A' } }]);
    expect(() => loadCsvFile(join(dir, 'missing.csv'), rows)).toThrow(/missing\.csv: cannot be read \(ENOENT\)/);
  });
});
