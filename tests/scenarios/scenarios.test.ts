/**
 * The resident scenario suite (data/demo/scenarios) run in `npm test`: the share fully right on
 * each channel must not fall, and the conversations that once went wrong for residents (each
 * quoted below by scenario name) must stay right on both channels.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadScenarios } from './scenarioFile.js';
import { runScenarios, type ScenarioResult } from './runScenarios.js';

/** The share fully right required on each channel, every job counted. */
const MIN_SHARE = 95;
const COUNTED_APART = new Set<string>();

/** Conversations residents had that went wrong, by scenario name: each must be right. */
const ONCE_WRONG = [
  'taps or texts the bin it was',
  'a number that is both a list position and a house number is asked about',
  'MORE outside a list is not goodbye',
  'recycling on boxing day',
  'changes over christmas',
  'what goes out on christmas day',
  'boxing day: both tips closed, the nearest open day given',
  'change the day of a permit just booked',
  'the address from a bin question is offered again',
  'changes the address half-way',
  'insists it was missed',
  'makes it the morning instead at the summary',
  'pickup truck: is a permit needed',
  'how many visits a year',
  'what a van permit costs',
  'help at the confirmation keeps the booking',
  'help when asked the trailer length',
  'a past instalment is never called next',
  'cancel straight after booking',
  'scrap that booking, straight after it',
  'no wait, cancel',
  'a second permit offers the van and reg again',
];

let results: ScenarioResult[] = [];

beforeAll(async () => {
  const dataDir = join(import.meta.dirname, '..', '..', 'data', 'demo');
  results = await runScenarios(loadScenarios(join(dataDir, 'scenarios')), { COUNCIL_DATA_DIR: dataDir });
}, 600_000);

describe('resident scenarios', () => {
  it.each(['web', 'sms'] as const)(`at least ${MIN_SHARE}%% are fully right on %s`, (channel) => {
    const counted = results.filter((r) => r.channel === channel && !COUNTED_APART.has(r.scenario.job));
    const right = counted.filter((r) => r.ok).length;
    const failures = counted.filter((r) => !r.ok).map((r) => `${r.scenario.job}: ${r.scenario.name}: ${r.failure}`);
    expect((100 * right) / counted.length, failures.join('\n')).toBeGreaterThanOrEqual(MIN_SHARE);
  });

  it.each(ONCE_WRONG)('"%s" is right on both channels', (name) => {
    const runs = results.filter((r) => r.scenario.name === name);
    expect(runs.length, `no scenario called "${name}"`).toBeGreaterThan(0);
    for (const run of runs) expect(run.ok, `${run.channel}: ${run.failure}`).toBe(true);
  });
});
