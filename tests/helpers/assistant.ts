/**
 * Starts the real assistant in-process on a free port with a fresh SQLite database (or the
 * database a test gives), capturing its log lines so tests can check nothing personal leaks.
 */
import { Writable } from 'node:stream';
import { startAssistant, type RunningAssistant } from '../../bot/assistant.js';
import { testDatabase, type TestDatabase } from './databases.js';
import { GENEROUS_LIMITS } from './limits.js';

export interface TestAssistant extends RunningAssistant {
  logLines: string[];
  database: TestDatabase;
  close(): Promise<void>;
}

export async function startTestAssistant(
  env: Record<string, string> = {},
  database?: TestDatabase,
  clock?: () => Date,
): Promise<TestAssistant> {
  const db = database ?? (await testDatabase());
  const logLines: string[] = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const running = await startAssistant({
    env: { NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'debug', STORAGE_URL: db.url, ...GENEROUS_LIMITS, ...env },
    logDestination: capture,
    ...(clock ? { clock } : {}),
  });
  return {
    ...running,
    logLines,
    database: db,
    async close() {
      await running.stop();
      if (!database) await db.drop();
    },
  };
}
