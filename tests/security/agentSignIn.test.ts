/**
 * Guessing an agent's password in a burst: every attempt is counted before its password is
 * checked, so 50 guesses at once check at most the limit (5), a success in the middle of the
 * burst does not hand the rest a fresh allowance, and failures are in the audit log. One
 * address trying many usernames is limited too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { openDatabase, type Db } from '../../store/database.js';

async function withDb<T>(work: (db: Db) => Promise<T>): Promise<T> {
  const database = await openDatabase(assistant.database.url);
  try {
    return await work(database.db);
  } finally {
    await database.close();
  }
}

const PASSWORD = 'correct horse battery staple';
let assistant: TestAssistant;

beforeAll(async () => {
  assistant = await startTestAssistant({
    LOG_LEVEL: 'warn',
    DEMO_AGENT_PASSWORD: PASSWORD,
    TRUST_PROXY: '1',
    LIMIT_SIGN_INS_PER_CLIENT_PER_HOUR: '1000',
  });
});
afterAll(async () => {
  await assistant?.close();
});

const signIn = (username: string, password: string, address = '203.0.113.9') =>
  fetch(`${assistant.url}/agent/api/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': address },
    body: JSON.stringify({ username, password }),
  });

describe('a burst of sign-in guesses', () => {
  it('checks at most five passwords of 50 sent at once, even with the right one among them', async () => {
    const guesses = Array.from({ length: 50 }, (_, i) => (i === 2 ? PASSWORD : `guess-${i}`));
    const statuses = await Promise.all(guesses.map(async (password) => (await signIn('demo-agent', password)).status));
    const checked = statuses.filter((s) => s === 401 || s === 200);
    expect(checked.length).toBeLessThanOrEqual(5);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(45);
    // Whether or not the right password was among those checked, the burst leaves the username locked.
    expect((await signIn('demo-agent', PASSWORD)).status).toBe(429);

    const agent = await assistant.handoff.accounts.byUsername('demo-agent');
    const audit = await withDb((db) =>
      db
        .selectFrom('agent_audit')
        .select(['agent_id', 'action'])
        .where('action', 'in', ['sign_in_failed', 'sign_in_locked'])
        .execute(),
    );
    expect(audit.filter((row) => row.action === 'sign_in_failed').length).toBe(
      statuses.filter((s) => s === 401).length,
    );
    expect(audit.filter((row) => row.action === 'sign_in_locked').length).toBeGreaterThanOrEqual(45);
    expect(audit.every((row) => row.agent_id === agent?.id)).toBe(true);
  });

  it('records a failed sign-in to an unknown username without what was typed', async () => {
    expect((await signIn('no-such-agent', 'my-secret-typed-here')).status).toBe(401);
    const rows = await withDb((db) =>
      db.selectFrom('agent_audit').select('agent_id').where('action', '=', 'sign_in_failed').execute(),
    );
    expect(rows.some((row) => row.agent_id === '(unknown)')).toBe(true);
    expect(JSON.stringify(rows)).not.toContain('no-such-agent');
  });
});

describe('sign-ins from one address', () => {
  it('are limited whatever usernames they try', async () => {
    const limited = await startTestAssistant({
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '1',
      LIMIT_SIGN_INS_PER_CLIENT_PER_HOUR: '3',
    });
    try {
      const statuses = [];
      for (const username of ['ann', 'bob', 'cat', 'dan', 'eve']) {
        const response = await fetch(`${limited.url}/agent/api/login`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json', 'X-Forwarded-For': '203.0.113.66' },
          body: JSON.stringify({ username, password: 'whatever-guess' }),
        });
        statuses.push(response.status);
      }
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      await limited.close();
    }
  });
});
