/**
 * The demo council's tip data and a Permits service over a fresh database, or over the
 * database of a running assistant, for the tip tests.
 */
import { join } from 'node:path';
import { EmbeddedTipSites } from '../../services/tip/embeddedTipSites.js';
import { DatabasePermits } from '../../services/tip/databasePermits.js';
import { loadTipData } from '../../services/tip/tipData.js';
import { openDatabase, type Database } from '../../store/database.js';
import type { TestDatabase } from '../helpers/databases.js';
import { startTestCouncil, type TestCouncil } from '../helpers/residents.js';
import { DEMO_DIR, demo } from '../services/demoData.js';

export { demo, FIXTURES, london } from '../services/demoData.js';

export const TIP_DIR = join(DEMO_DIR, 'tip');
export const tipData = loadTipData(TIP_DIR, demo.bins.bankHolidays);
export const sites = new EmbeddedTipSites(tipData);

export interface PermitsHarness {
  database: Database;
  permits: DatabasePermits;
  close(): Promise<void>;
}

function permitsOver(database: Database): DatabasePermits {
  return new DatabasePermits({ db: database.db, addresses: demo.addressLookup, sites, policy: tipData.policy });
}

export async function permitsOn(create: () => Promise<TestDatabase>): Promise<PermitsHarness> {
  const testDb = await create();
  const database = await openDatabase(testDb.url);
  const permits = permitsOver(database);
  return {
    database,
    permits,
    close: async () => {
      await database.close();
      await testDb.drop();
    },
  };
}

export interface CouncilWithPermits {
  council: TestCouncil;
  /** Over the assistant's own database, to take places or read permits beside the conversations. */
  permits: DatabasePermits;
  close(): Promise<void>;
}

/** The whole assistant with its clock fixed at `now`, and a Permits service over its database. */
export async function councilWithPermits(now: Date): Promise<CouncilWithPermits> {
  const council = await startTestCouncil({}, undefined, () => now);
  const database = await openDatabase(council.assistant.database.url).catch(async (error: unknown) => {
    await council.close();
    throw error;
  });
  return {
    council,
    permits: permitsOver(database),
    close: async () => {
      await database.close();
      await council.close();
    },
  };
}

/** The places a site's van window takes a day, from the data (not a number written into tests). */
export function placesIn(siteId: string, window: string): number {
  const places = tipData.sites.find((s) => s.id === siteId)?.vanWindows.find((w) => w.id === window)?.places;
  if (places === undefined) throw new Error(`no window ${siteId}/${window} in the demo data`);
  return places;
}

/** Properties from the gazetteer other than the named fixtures, for bookings by many households. */
export function otherProperties(count: number): string[] {
  const ids = demo.gazetteer.entries
    .map((e) => e.property.id)
    .filter((id) => !['10001001', '10013024', '10013014'].includes(id));
  if (ids.length < count) throw new Error('not enough properties in the gazetteer');
  return ids.slice(0, count);
}
