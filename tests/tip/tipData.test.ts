/**
 * The tip data files: a mistake by the digital team stops start-up with the file, the record
 * and the field named. Each case copies data/demo/tip to a temporary folder and breaks one thing.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DataFileError } from '../../services/data/loadDataFile.js';
import { loadTipData } from '../../services/tip/tipData.js';
import { demo, TIP_DIR, tipData } from './tipFixtures.js';

const temps: string[] = [];
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

// The edits reach anywhere into a data file's JSON to break it, as a careless edit would.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
function loadError(file: string, edit: (json: any) => void): DataFileError {
  const dir = mkdtempSync(join(tmpdir(), 'council-tip-'));
  temps.push(dir);
  cpSync(TIP_DIR, dir, { recursive: true });
  const path = join(dir, file);
  const json = JSON.parse(readFileSync(path, 'utf8'));
  edit(json);
  writeFileSync(path, JSON.stringify(json));
  try {
    loadTipData(dir, demo.bins.bankHolidays);
  } catch (error) {
    if (error instanceof DataFileError) return error;
    throw error;
  }
  throw new Error('expected a DataFileError');
}

describe('the demo tip data', () => {
  it('loads: two sites, the 12-visit allowance, every refusal message', () => {
    expect(tipData.sites.map((s) => s.id)).toEqual(['quarry-road', 'northfield']);
    expect(tipData.policy.allowance).toMatchObject({ visitsPerHousehold: 12, periodMonths: 12 });
    expect(Object.values(tipData.policy.messages).every((m) => m.length > 10)).toBe(true);
  });
});

describe('mistakes are reported with the file and the record', () => {
  it('a van window outside the winter opening hours', () => {
    const error = loadError('sites.json', (j) => {
      j.sites[1].vanWindows[1].to = '16:30';
    });
    expect(error.message).toContain(
      'sites.json sites[1] (id northfield): vanWindows (id afternoon): 12:00-16:30 is outside the winter opening hours 09:00-16:00',
    );
  });

  it('seasons that leave days uncovered', () => {
    const error = loadError('sites.json', (j) => {
      j.sites[0].seasons[1].to = '02-28';
    });
    expect(error.message).toMatch(/sites\[0\] \(id quarry-road\): seasons: no season covers 02-29/);
    expect(error.message).toMatch(/no season covers 03-01/);
  });

  it('a site refusing a material that does not exist', () => {
    const error = loadError('sites.json', (j) => {
      j.sites[1].notAccepted.push('fridgez');
    });
    expect(error.message).toContain(
      'sites[1] (id northfield): notAccepted: "fridgez" is not a material in materials.json',
    );
  });

  it('a refusal message with a misspelt placeholder', () => {
    const error = loadError('policy.json', (j) => {
      j.messages.allowance_used = 'You can book again from {renewOn}.';
    });
    expect(error.message).toContain('messages.allowance_used');
    expect(error.message).toContain('uses {renewOn}; this message can use {allowed}, {periodMonths}, {renewsOn}');
  });

  it('a refused material without an alternative, and a refused vehicle without a reason', () => {
    expect(
      loadError('materials.json', (j) => {
        delete j.materials.find((m: { id: string }) => m.id === 'asbestos').alternative;
      }).message,
    ).toMatch(/materials\[\d+\] \(id asbestos\): .*must say what to do instead/);
    expect(
      loadError('policy.json', (j) => {
        delete j.vehicles.find((v: { id: string }) => v.id === 'tipper').message;
      }).message,
    ).toMatch(/vehicles\[\d+\] \(id tipper\): .*message saying why/);
  });

  it('a one-off closure for an unknown site, and a bad date', () => {
    expect(
      loadError('closures.json', (j) => {
        j.oneOff[0].sites = ['northfeld'];
      }).message,
    ).toContain('oneOff[0] (date 2027-02-09): sites: "northfeld" is not a site in sites.json');
    expect(
      loadError('closures.json', (j) => {
        j.oneOff[0].date = '2027-02-30';
      }).message,
    ).toContain('oneOff[0] (date 2027-02-30): date: "2027-02-30" is not a real date');
  });
});
