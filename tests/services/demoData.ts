/** The demo council's real data files, loaded once per test file, and London-time helpers. */
import { DateTime } from 'luxon';
import { fileURLToPath } from 'node:url';
import { loadDemoCouncilData } from '../../services/data/loadDemoCouncilData.js';

export const DEMO_DIR = fileURLToPath(new URL('../../data/demo', import.meta.url));

export const demo = loadDemoCouncilData(DEMO_DIR);

/** A local Demoford wall-clock time, e.g. london('2026-11-23T18:30'). */
export function london(local: string): DateTime {
  const at = DateTime.fromISO(local, { zone: 'Europe/London' });
  if (!at.isValid) throw new Error(`bad test time ${local}`);
  return at;
}

export const FIXTURES = {
  highStreet1: '10001001', // 1 High Street, DF1 1AA, round FRI-A, no garden waste
  millLane22: '10013024', // 22 Mill Lane, DF2 4QT, round MON-A, garden waste subscriber
  millLane14: '10013014', // 14 Mill Lane, DF2 4QT, round MON-A, no garden waste
} as const;
