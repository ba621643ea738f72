/**
 * Before the tests: builds the intent model once, so the first suites to start (in parallel
 * workers, and in child processes with their own start-up deadlines) do not each train it.
 * After: drops the PostgreSQL test databases this run's suites left behind, and any from runs
 * that died over a day ago, so repeated runs do not fill the server (names are
 * ca_test_<hour>_<run>_<random>; another run going on at the same time keeps its own).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { CouncilRecognizer } from '../intents/recogniser.js';
import { POSTGRES_ADMIN_URL } from './helpers/databases.js';

export default async function setup(): Promise<() => Promise<void>> {
  await CouncilRecognizer.load();
  // Workers start after this and inherit it.
  const run = randomBytes(3).toString('hex');
  process.env.CA_TEST_RUN = run;
  return async () => {
    const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
    try {
      await admin.connect();
      const { rows } = await admin.query<{ datname: string }>(
        "SELECT datname FROM pg_database WHERE datname LIKE 'ca\\_test\\_%'",
      );
      const dayAgo = Math.floor(Date.now() / 3_600_000) - 24;
      const ours = (datname: string) => {
        const [, hour, owner] = /^ca_test_(\d+)_([0-9a-f]+|none)_/.exec(datname) ?? [];
        // Unrecognised names come from an older naming scheme: leftovers too.
        return hour === undefined || owner === run || Number(hour) < dayAgo;
      };
      for (const { datname } of rows.filter((row) => ours(row.datname)))
        await admin.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    } catch {
      // No PostgreSQL here: nothing was created on it either.
    } finally {
      await admin.end().catch(() => undefined);
    }
  };
}
