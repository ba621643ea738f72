/**
 * Starts the real assistant in-process on a free port with a fresh SQLite database (or the
 * database a test gives), capturing its log lines so tests can check nothing personal leaks.
 */
import { Writable } from 'node:stream';
import { startAssistant, type RunningAssistant } from '../../bot/assistant.js';
import { testDatabase, type TestDatabase } from './databases.js';

const GENEROUS_LIMITS = {
  LIMIT_TOKENS_PER_CLIENT_PER_MINUTE: '100000',
  LIMIT_TOKENS_PER_MINUTE: '1000000',
  LIMIT_CONVERSATIONS_PER_CLIENT_PER_MINUTE: '100000',
  LIMIT_CONVERSATIONS_PER_MINUTE: '1000000',
  LIMIT_LOOKUPS_PER_CLIENT_PER_HOUR: '100000',
  LIMIT_LOOKUPS_PER_MINUTE: '1000000',
  LIMIT_HANDOFFS_PER_CLIENT_PER_HOUR: '10000',
  LIMIT_HANDOFFS_PER_MINUTE: '100000',
  LIMIT_SIGN_INS_PER_CLIENT_PER_HOUR: '100000',
};

export interface TestAssistant extends RunningAssistant {
  logLines: string[];
  database: TestDatabase;
  close(): Promise<void>;
}

export async function startTestAssistant(env: Record<string, string> = {}, database?: TestDatabase, clock?: () => Date): Promise<TestAssistant> {
  const db = database ?? (await testDatabase());
  const logLines: string[] = [];
  const capture = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  });
  const running = await startAssistant({
    env: {
      NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'debug', STORAGE_URL: db.url,
      // Every test resident comes from 127.0.0.1: per-client velocity limits are set out of the
      // way here, and the tests about them set the limits they test.
      ...GENEROUS_LIMITS,
      ...env,
    },
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
