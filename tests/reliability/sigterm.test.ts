/**
 * SIGTERM under load: 30 residents on Web Chat, each on its own kept-alive connection, keep
 * talking to one instance (PostgreSQL + Redis, a real process) while it is told to stop. No
 * request may fail with a 500; a refused one gets 503 with Retry-After (Web Chat tries again,
 * through the balancer, elsewhere); every message the instance accepted is answered before it
 * exits; and it exits soon after its last running turn.
 */
import type { ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../store/database.js';
import { postgresTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { killHard, startAssistantProcess, READY_LIMIT_MS } from '../helpers/process.js';
import { scaled } from '../helpers/timeScale.js';

/** These files pick their own engines; `npm run test:postgres` (the suite again on PostgreSQL) need not run them twice. */
const reliability = describe.skipIf(process.env.TEST_STORAGE === 'postgres');

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const RESIDENTS = 30;

let database: TestDatabase;
let proc: ChildProcess | undefined;

beforeAll(async () => {
  database = await postgresTestDatabase();
}, scaled(180_000));
afterAll(async () => {
  await killHard(proc);
  await database?.drop();
});

/** A POST on `agent`'s kept-alive connection; rejects when the connection is closed under it. */
function post(
  agent: Agent,
  url: string,
  headers: Record<string, string>,
  body = '',
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: 'POST', agent, headers: { ...headers, 'Content-Length': Buffer.byteLength(body) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString() }),
        );
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

interface Outcome {
  status: number | 'connection closed';
  retryAfter?: string | null;
  /** When the request was sent, and when its answer (or the closed connection) came back. */
  sentAt: number;
  at: number;
  clientActivityId: string;
}

reliability('SIGTERM under 30 keep-alive residents (PostgreSQL + Redis)', () => {
  it(
    'stops taking turns on every connection at once, answers every accepted message, no 500, and exits promptly',
    async () => {
      const started = await startAssistantProcess({
        STORAGE_URL: database.url,
        REDIS_URL,
        SHUTDOWN_GRACE_SECONDS: '60',
      });
      proc = started.proc;
      const base = started.url;
      const exited = new Promise<number>((resolve) => proc?.once('exit', () => resolve(Date.now())));
      // One connection per resident, kept alive between their messages, as a browser would.
      const agents = Array.from({ length: RESIDENTS }, () => new Agent({ keepAlive: true, maxSockets: 1 }));

      const conversations = await Promise.all(
        agents.map(async (agent) => {
          const minted = JSON.parse((await post(agent, `${base}/demo/token`, {})).text) as { token: string };
          const started = await post(agent, `${base}/v3/directline/conversations`, {
            Authorization: `Bearer ${minted.token}`,
          });
          const { conversationId } = JSON.parse(started.text) as { conversationId: string };
          return { conversationId, token: minted.token, agent };
        }),
      );

      const outcomes: Outcome[][] = conversations.map(() => []);
      let sigtermAt = 0;
      let turnsBeforeSignal = 0;
      const phrases = ['what day is my bin collected', 'thanks', 'what are the tip opening times', 'hello'];
      const talk = async (index: number) => {
        const resident = conversations[index];
        if (!resident) return;
        const { conversationId, token, agent } = resident;
        for (let n = 0; ; n += 1) {
          const clientActivityId = `resident-${index}-${n}`;
          const sentAt = Date.now();
          try {
            const response = await post(
              agent,
              `${base}/v3/directline/conversations/${conversationId}/activities`,
              { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
              JSON.stringify({
                type: 'message',
                text: phrases[n % phrases.length],
                from: { id: 'resident' },
                channelData: { clientActivityID: clientActivityId },
              }),
            );
            const retryAfter = response.headers['retry-after'];
            outcomes[index]?.push({
              status: response.status,
              retryAfter: typeof retryAfter === 'string' ? retryAfter : null,
              sentAt,
              at: Date.now(),
              clientActivityId,
            });
            if (response.status !== 200) return;
            if (!sigtermAt) turnsBeforeSignal += 1;
          } catch {
            // The instance closed the connection: Web Chat would reconnect through the balancer.
            outcomes[index]?.push({ status: 'connection closed', sentAt, at: Date.now(), clientActivityId });
            return;
          }
        }
      };
      const residents = conversations.map((_, index) => talk(index));
      // Let every resident get going, then stop the instance under them.
      while (turnsBeforeSignal < RESIDENTS * 2) await new Promise((r) => setTimeout(r, 20));
      sigtermAt = Date.now();
      proc.kill('SIGTERM');
      await Promise.all(residents);
      const exitAt = await exited;
      expect(proc.exitCode).toBe(0);

      const all = outcomes.flat();
      // No 500s; every refusal says when to try again.
      expect(all.filter((o) => typeof o.status === 'number' && o.status !== 200 && o.status !== 503)).toEqual([]);
      for (const refused of all.filter((o) => o.status === 503)) expect(refused.retryAfter).toBeTruthy();
      // Nothing new was started once the instance stopped taking turns, on any connection. It had
      // stopped by the time the first refusal (a 503 or a closed connection) came back, however
      // long a busy machine took to deliver the signal, so no message sent after that was taken.
      const firstRefusalAt = Math.min(...all.filter((o) => o.status !== 200).map((o) => o.at));
      expect(firstRefusalAt).toBeGreaterThanOrEqual(sigtermAt);
      expect(all.filter((o) => o.status === 200 && o.sentAt > firstRefusalAt)).toEqual([]);
      // Every accepted message was answered before the instance exited.
      const store = await openDatabase(database.url);
      try {
        const inbox = await store.db
          .selectFrom('directline_inbox')
          .select(['conversation_id', 'client_activity_id', 'state'])
          .execute();
        const accepted = all.filter((o) => o.status === 200).map((o) => o.clientActivityId);
        expect(accepted.length).toBeGreaterThanOrEqual(RESIDENTS * 2);
        const states = new Map(inbox.map((row) => [row.client_activity_id, row.state]));
        expect(accepted.filter((id) => states.get(id) !== 'answered')).toEqual([]);
        // And nothing was left half-done for another instance to finish.
        expect(inbox.filter((row) => row.state !== 'answered')).toEqual([]);
      } finally {
        await store.close();
      }
      const lastAnswer = Math.max(...all.filter((o) => o.status === 200).map((o) => o.at));
      const exitAfterLastTurnMs = exitAt - lastAnswer;
      console.log(
        `SIGTERM: ${all.filter((o) => o.status === 200).length} answered, ${all.filter((o) => o.status === 503).length} refused with 503, ${all.filter((o) => o.status === 'connection closed').length} connections closed; exit ${exitAfterLastTurnMs} ms after the last answer, ${exitAt - sigtermAt} ms after SIGTERM`,
      );
      expect(exitAfterLastTurnMs).toBeLessThan(3_000);
      for (const agent of agents) agent.destroy();
    },
    READY_LIMIT_MS + scaled(120_000),
  );
});
