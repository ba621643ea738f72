/**
 * Before the tests: builds the intent model once, so the first suites to start (in parallel
 * workers, and in child processes with their own start-up deadlines) do not each train it.
 * After: drops any PostgreSQL test database a suite left behind (they all share the
 * ca_test_ prefix), so repeated runs do not fill the server.
 */
import pg from 'pg';
import { CouncilRecognizer } from '../intents/recogniser.js';
import { POSTGRES_ADMIN_URL } from './helpers/databases.js';

export default async function setup(): Promise<() => Promise<void>> {
  await CouncilRecognizer.load();
  return async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    try {
      await admin.connect();
      const { rows } = await admin.query<{ datname: string }>("SELECT datname FROM pg_database WHERE datname LIKE 'ca\\_test\\_%'");
      for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } catch {
      // No PostgreSQL here: nothing was created on it either.
    } finally {
      await admin.end().catch(() => undefined);
    }
  };
}
