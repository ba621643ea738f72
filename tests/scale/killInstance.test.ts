/**
 * Killing one instance mid-conversation loses no state, no queued handoff and no
 * issued permit. Real processes (npm start's entry point) share one fresh PostgreSQL database
 * and Redis; instance A is killed with SIGKILL (no graceful shutdown, nothing flushed) and
 * the resident, with the same Direct Line conversation id and token, carries on at instance B,
 * as they would behind a load balancer. The contact centre is staffed round the clock in
 * these processes' data, so a handoff reaches the queue whatever the real time is.
 *
 * B lives for the whole file; each test starts its own A and kills it. At most two
 * assistants run at once (two cores, and the rest of the suite runs alongside).
 */
import type { ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type Database } from '../../store/database.js';
import { alwaysOpenDataDir } from '../helpers/councilData.js';
import { POSTGRES_ADMIN_URL, postgresTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openConversation, type RestConversation } from '../helpers/directLineRest.js';
import { killHard, startAssistantProcess, READY_LIMIT_MS } from '../helpers/process.js';
import { AgentClient, eventually } from '../handoff/harness.js';
import { scaled } from '../helpers/timeScale.js';

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';
const AGENT = { username: 'kill-test-agent', password: 'kill-test-password-1' };

interface Instance {
  proc: ChildProcess;
  url: string;
  /** What the process wrote to stderr (a crash's stack), shown when a test fails. */
  stderr(): string;
}

interface QueueView {
  waiting: { id: string; channel: string; topic: string; position: number }[];
}
interface ContextView {
  status: string;
  transcript: { from: string; text: string }[];
  messages: { kind: string; text: string; delivery: string }[];
}

let database: TestDatabase;
let store: Database;
let dataDir = '';
let env: Record<string, string> = {};
let a: Instance | undefined;
let b: Instance | undefined;

async function startInstance(): Promise<Instance> {
  const started = await startAssistantProcess(env).catch(async (error: unknown) => {
    // Another test run's clean-up on the same server can drop our database mid-file (a teardown
    // that cannot tell runs apart drops every ca_test_ one): say so, not just "exited with 1".
    const exists = await databaseExists().catch(() => undefined);
    throw exists === false
      ? new Error(`test database ${new URL(database.url).pathname.slice(1)} was dropped by someone else`, {
          cause: error,
        })
      : error;
  });
  return { proc: started.proc, url: started.url, stderr: started.stderr };
}

async function databaseExists(): Promise<boolean> {
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      new URL(database.url).pathname.slice(1),
    ]);
    return rowCount === 1;
  } finally {
    await admin.end();
  }
}

const alive = (instance: Instance | undefined): instance is Instance =>
  instance !== undefined && instance.proc.exitCode === null && instance.proc.signalCode === null;

beforeAll(
  async () => {
    database = await postgresTestDatabase();
    dataDir = alwaysOpenDataDir();
    env = {
      STORAGE_URL: database.url,
      REDIS_URL,
      COUNCIL_DATA_DIR: dataDir,
      DEMO_AGENT_USERNAME: AGENT.username,
      DEMO_AGENT_PASSWORD: AGENT.password,
    };
    // The first process runs the migrations; the others find them done.
    b = await startInstance();
    store = await openDatabase(database.url);
  },
  READY_LIMIT_MS + scaled(60_000),
);

beforeEach(
  async () => {
    // B is meant to survive every test; if one killed it anyway, the next gets a fresh one.
    if (!alive(b)) b = await startInstance();
    a = await startInstance();
  },
  2 * READY_LIMIT_MS + scaled(60_000),
);

afterEach(async (context) => {
  if (context.task.result?.state === 'fail') {
    for (const [name, instance] of [
      ['A', a],
      ['B', b],
    ] as const) {
      const tail = instance?.stderr().trim();
      if (tail) console.error(`instance ${name} stderr:\n${tail}`);
    }
  }
  await killHard(a?.proc);
  a = undefined;
});

afterAll(async () => {
  await killHard(a?.proc);
  await killHard(b?.proc);
  await store?.close();
  await database?.drop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

function instanceA(): Instance {
  if (!a) throw new Error('instance A is not running');
  return a;
}
function instanceB(): Instance {
  if (!b) throw new Error('instance B is not running');
  return b;
}

/** The same conversation, as the resident's page would carry on with it after a reconnect. */
function sameConversationOn(instance: Instance, conversation: RestConversation): Promise<RestConversation> {
  return openConversation(instance.url, { conversationId: conversation.conversationId, token: conversation.token });
}

/** The buttons under the replies ("[label]" lines), in order. */
function buttons(replies: string[]): string[] {
  return replies
    .join('\n')
    .split('\n')
    .flatMap((line) => {
      const label = /^\[(.*)\]$/.exec(line)?.[1];
      return label === undefined ? [] : [label];
    });
}

/** Sends `text` and checks every pattern matches the joined replies; returns the replies. */
async function expectReply(
  resident: RestConversation,
  text: string,
  patterns: RegExp[],
  never: RegExp[] = [],
): Promise<string[]> {
  const replies = await resident.say(text);
  const joined = replies.join('\n');
  for (const pattern of patterns) expect(joined, `after "${text}"`).toMatch(pattern);
  for (const pattern of never) expect(joined, `after "${text}"`).not.toMatch(pattern);
  return replies;
}

/**
 * The latest offered time: offers run soonest first from today, so the last is days ahead and
 * cannot close (too late to get there today) while the test runs, whatever the real clock says.
 */
function latestTime(replies: string[], site: RegExp): string {
  const times = buttons(replies).filter((label) => site.test(label));
  const latest = times.at(-1);
  if (!latest) throw new Error(`no time offered at ${site} in ${replies.join(' | ')}`);
  return latest;
}

const permitRows = (propertyPostcode: string) =>
  store.db.selectFrom('tip_permits').selectAll().where('postcode', '=', propertyPostcode).execute();

describe('killing one instance mid-conversation (PostgreSQL + Redis, kill -9)', () => {
  it(
    'keeps a queued handoff: an agent on the other instance sees the resident, accepts, and they talk both ways',
    async () => {
      const onA = await openConversation(instanceA().url);
      await expectReply(onA, 'what day is my bin collected', [/postcode/i]);
      const queued = await expectReply(onA, 'can I speak to a person', [/number 1 in the queue/]);
      expect(queued.join('\n')).toMatch(/Anything you type now is kept/);
      await expectReply(onA, 'my black bin was not emptied on Tuesday', [/kept that for the person/]);

      await killHard(instanceA().proc);

      // An agent signs in on the survivor and finds the resident waiting, with everything they said.
      const agent = new AgentClient(instanceB().url);
      expect((await agent.signIn(AGENT.username, AGENT.password)).status).toBe(200);
      const queue = await agent.json<QueueView>('/queue');
      const entry = queue.waiting.find((w) => w.channel === 'web');
      expect(entry).toMatchObject({ channel: 'web', position: 1, topic: 'agent.request' });
      const id = entry?.id ?? '';
      const context = await agent.json<ContextView>(`/handoffs/${id}`);
      expect(context.status).toBe('queued');
      expect(context.transcript.map((line) => line.text)).toEqual(
        expect.arrayContaining([
          'what day is my bin collected',
          'can I speak to a person',
          'my black bin was not emptied on Tuesday',
        ]),
      );
      expect(context.transcript.find((line) => line.text === 'what day is my bin collected')?.from).toBe('resident');
      expect(context.messages.filter((m) => m.kind === 'resident').map((m) => m.text)).toEqual([
        'can I speak to a person',
        'my black bin was not emptied on Tuesday',
      ]);

      // The agent accepts and replies on B; the resident's page, now talking to B, shows both.
      expect((await agent.post(`/handoffs/${id}/accept`)).status).toBe(200);
      const onB = await sameConversationOn(instanceB(), onA);
      await eventually(async () =>
        (await onB.botMessages()).some((m) => /Demo agent from the contact centre has joined/.test(m.text ?? '')),
      );
      const reply = await agent.post(`/handoffs/${id}/messages`, {
        text: 'Sorry about that. Which street are you on?',
      });
      expect(reply.status).toBe(200);
      expect(await reply.json()).toMatchObject({ message: { kind: 'agent', delivery: 'sent' } });
      await eventually(async () =>
        (await onB.botMessages()).some((m) => m.text === 'Demo agent: Sorry about that. Which street are you on?'),
      );

      // The resident's answer goes to the agent, not to the assistant.
      expect(await onB.say('Mill Lane, number 22')).toEqual([]);
      await eventually(async () => {
        const after = await agent.json<ContextView>(`/handoffs/${id}`);
        return after.messages.at(-1)?.kind === 'resident' && after.messages.at(-1)?.text === 'Mill Lane, number 22';
      });
      const after = await agent.json<ContextView>(`/handoffs/${id}`);
      expect(after.status).toBe('assigned');
      // Nothing the resident said before the kill went missing on the way.
      expect(after.messages.filter((m) => m.kind === 'resident').map((m) => m.text)).toEqual([
        'can I speak to a person',
        'my black bin was not emptied on Tuesday',
        'Mill Lane, number 22',
      ]);
    },
    scaled(180_000),
  );

  it(
    'keeps an issued permit: after the instance that issued it dies, the other finds it by reference and postcode',
    async () => {
      const onA = await openConversation(instanceA().url);
      await expectReply(
        onA,
        'van permit for AB12 CDE, 1 High Street DF1 1AA',
        [/which tip/i],
        [/postcode\?/i, /registration\?/i],
      );
      const times = await expectReply(onA, 'Quarry Road tip', [/next free times/i]);
      await expectReply(onA, latestTime(times, /Quarry Road/), [/household waste/i]);
      await expectReply(onA, 'yes', [/mobile number/i]);
      await expectReply(onA, 'no thanks', [/1 High Street/, /AB12 CDE/, /Quarry Road tip/, /Shall I book it/]);
      const issued = (
        await expectReply(onA, 'Yes, book it', [/Your reference is \*\*TP-\d{6}\*\*/, /photo ID and proof of address/])
      ).join('\n');
      const reference = /TP-\d{6}/.exec(issued)?.[0] ?? '';

      await killHard(instanceA().proc);

      // The permit is in PostgreSQL, booked, as the resident was told.
      const rows = await permitRows('DF1 1AA');
      expect(rows.map((row) => [row.reference, row.status, row.registration, row.site_id])).toEqual([
        [reference, 'booked', 'AB12CDE', 'quarry-road'],
      ]);

      // Reloading the page (same conversation, now served by B) still shows the reference.
      const reloaded = await sameConversationOn(instanceB(), onA);
      expect((await reloaded.botMessages()).some((m) => m.text?.includes(`**${reference}**`))).toBe(true);

      // Later, in a new conversation on B, the resident checks the permit.
      const later = await openConversation(instanceB().url);
      await expectReply(later, `what is the status of my tip permit ${reference}`, [/postcode/i]);
      await expectReply(later, 'df1 1aa', [
        new RegExp(`Permit \\*\\*${reference}\\*\\* is booked: van AB12 CDE at Quarry Road tip`),
      ]);
      expect(await permitRows('DF1 1AA')).toHaveLength(1);
    },
    scaled(180_000),
  );

  it(
    'keeps a booking half-way through: B carries on from the question A asked, asking nothing again',
    async () => {
      const onA = await openConversation(instanceA().url);
      await expectReply(onA, 'van permit', [/postcode/i]);
      await expectReply(onA, 'DF2 4QT', [/which address/i]);
      await expectReply(onA, '22 Mill Lane', [/registration/i]);

      await killHard(instanceA().proc);

      // The resident answers A's question; B has the van, the postcode and the address already.
      const onB = await sameConversationOn(instanceB(), onA);
      const whatWasAsked = [
        /postcode/i,
        /which address/i,
        /registration\?/i,
        /What will you bring/i,
        /didn't understand/i,
      ];
      await expectReply(onB, 'ab12cde', [/which tip/i, /Quarry Road tip/, /Northfield tip/], whatWasAsked);
      const times = await expectReply(onB, 'Northfield tip', [/next free times/i, /Northfield/], whatWasAsked);
      await expectReply(onB, latestTime(times, /Northfield/), [/household waste/i], whatWasAsked);
      await expectReply(onB, 'yes', [/mobile number/i], whatWasAsked);
      await expectReply(
        onB,
        'no thanks',
        [/22 Mill Lane/, /van, AB12 CDE/i, /Northfield tip/, /Shall I book it/],
        whatWasAsked,
      );
      const issued = (await expectReply(onB, 'Yes, book it', [/Your reference is \*\*TP-\d{6}\*\*/])).join('\n');
      const reference = /TP-\d{6}/.exec(issued)?.[0] ?? '';

      const rows = await permitRows('DF2 4QT');
      expect(rows.map((row) => [row.reference, row.status, row.registration, row.site_id])).toEqual([
        [reference, 'booked', 'AB12CDE', 'northfield'],
      ]);
    },
    scaled(180_000),
  );

  // The dead instance held the conversation's turn lock, which B waits out (up to its 10 s TTL)
  // before it answers the retry.
  it(
    'keeps a booking whose instance died between issuing the permit and saying so: the retry gets the same permit',
    async () => {
      const onA = await openConversation(instanceA().url);
      await expectReply(onA, 'van permit for AB12 CDE, 2 High Street DF1 1HN', [/which tip/i]);
      const times = await expectReply(onA, 'Quarry Road tip', [/next free times/i]);
      await expectReply(onA, latestTime(times, /Quarry Road/), [/household waste/i]);
      await expectReply(onA, 'yes', [/mobile number/i]);
      await expectReply(onA, 'no thanks', [/Shall I book it/]);

      // Fault injection in the database: the reply announcing a permit stalls on its way into the
      // conversation, so A dies after the permit is committed and before the resident is told.
      await sql`CREATE FUNCTION stall_permit_reply() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.activity LIKE '%Your permit is booked%' THEN
          PERFORM pg_sleep(30);
          RAISE EXCEPTION 'held back by the test';
        END IF;
        RETURN NEW;
      END $$`.execute(store.db);
      await sql`CREATE TRIGGER stall_permit_reply BEFORE INSERT ON directline_activities FOR EACH ROW EXECUTE FUNCTION stall_permit_reply()`.execute(
        store.db,
      );
      const confirming = onA.say('Yes, book it').then(
        () => 'answered',
        () => 'connection lost',
      );
      await eventually(async () => (await permitRows('DF1 1HN')).length > 0, 20_000);
      await killHard(instanceA().proc);
      expect(await confirming).toBe('connection lost');
      // The dead process's stalled statement ends (and rolls back) now, not 30 s later.
      await sql`SELECT pg_cancel_backend(pid) FROM pg_stat_activity WHERE datname = current_database() AND wait_event = 'PgSleep'`.execute(
        store.db,
      );
      await sql`DROP TRIGGER stall_permit_reply ON directline_activities`.execute(store.db);
      await sql`DROP FUNCTION stall_permit_reply()`.execute(store.db);

      const issued = await permitRows('DF1 1HN');
      expect(issued).toHaveLength(1);
      const onB = await sameConversationOn(instanceB(), onA);
      const referencesShown = async () =>
        (await onB.botMessages()).flatMap((m) => /TP-\d{6}/.exec(m.text ?? '')?.[0] ?? []);
      expect(await referencesShown()).toEqual([]);

      // Web Chat's retry: the same answer again, now to B, which finishes the same booking.
      const started = Date.now();
      const retried = (await onB.say('Yes, book it')).join('\n');
      // Answered once the dead holder's lock has expired, not left hanging.
      expect(Date.now() - started).toBeLessThan(15_000);
      expect(retried).toMatch(new RegExp(`Your reference is \\*\\*${issued[0]?.reference}\\*\\*`));
      expect(await permitRows('DF1 1HN')).toHaveLength(1);
      expect(await referencesShown()).toEqual([issued[0]?.reference]);
    },
    scaled(180_000),
  );
});
