/**
 * Two assistant processes behind one (imaginary) load balancer, sharing PostgreSQL and Redis:
 * a resident's messages land on either, the conversation carries on, and killing one loses
 * nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openConversation } from '../helpers/directLineRest.js';
import { killHard, startAssistantProcess, type AssistantProcess, READY_LIMIT_MS } from '../helpers/process.js';
import { alwaysOpenDataDir } from '../helpers/councilData.js';
import { AgentClient, eventually } from '../handoff/harness.js';
import { WebSocket } from 'ws';
import { scaled } from '../helpers/timeScale.js';

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

const AGENT_PASSWORD = 'correct horse battery staple';

let database: TestDatabase;
let first: AssistantProcess | undefined;
let second: AssistantProcess | undefined;
let urlA = '';
let urlB = '';

beforeAll(
  async () => {
    database = await postgresTestDatabase();
    const env = {
      STORAGE_URL: database.url,
      REDIS_URL,
      // Staffed round the clock, so a handoff reaches the queue whatever hour the test runs.
      COUNCIL_DATA_DIR: alwaysOpenDataDir(),
      DEMO_AGENT_USERNAME: 'sam',
      DEMO_AGENT_PASSWORD: AGENT_PASSWORD,
    };
    // One at a time: the first runs the migrations.
    first = await startAssistantProcess(env);
    second = await startAssistantProcess(env);
    urlA = first.url;
    urlB = second.url;
  },
  2 * READY_LIMIT_MS + scaled(60_000),
);

afterAll(async () => {
  await killHard(first?.proc);
  await killHard(second?.proc);
  await database?.drop();
});

describe('two instances on PostgreSQL and Redis', () => {
  it(
    'runs messages for one conversation sent to both at once one at a time, in order',
    async () => {
      const onA = await openConversation(urlA);
      const onB = await openConversation(urlB, { conversationId: onA.conversationId, token: onA.token });
      // Both posts race to different instances; whichever is taken first, the second turn sees
      // the first's state (the misunderstanding count), so exactly one says "still".
      const [a, b] = await Promise.all([onA.say('purple monkey dishwasher'), onB.say('banana telephone')]);
      const replies = [...a, ...b].join('\n');
      expect(replies).toMatch(/didn't understand/i);
      expect(replies).toMatch(/still didn't understand/i);
    },
    scaled(180_000),
  );
  it(
    'lets a resident on instance A and an agent on instance B chat both ways, live',
    async () => {
      const resident = await openConversation(urlA);
      const residentStream = await openStream(urlA, resident.conversationId, resident.token);
      const agent = new AgentClient(urlB);
      expect((await agent.signIn('sam', AGENT_PASSWORD)).status).toBe(200);
      const console = await openAgentSocket(urlB, agent);
      try {
        // The resident's turn runs on A; B's console hears the queue change.
        const told = (await resident.say('can I speak to a person please')).join('\n');
        const position = Number(/number (\d+) in the queue/.exec(told)?.[1]);
        await eventually(async () => console.events.some((e) => e.type === 'queue'));
        // (The racing test's resident, misunderstood twice, may be waiting ahead of this one.)
        const queue = await agent.json<{ waiting: { id: string; channel: string; position: number }[] }>('/queue');
        const id = queue.waiting.find((w) => w.channel === 'web' && w.position === position)?.id ?? '';
        expect(id).not.toBe('');

        // Accepted on B: A's Web Chat socket shows who joined.
        expect((await agent.post(`/handoffs/${id}/accept`)).status).toBe(200);
        await eventually(async () => residentStream.texts.some((t) => /has joined/.test(t)));

        // Resident (on A) to agent (on B), pushed to B's console as it happens.
        await resident.say('my green bin was missed on Tuesday');
        const heard = await eventually(async () =>
          console.events.find(
            (e) =>
              e.type === 'message' && e.requestId === id && e.message?.text === 'my green bin was missed on Tuesday',
          ),
        );
        expect(heard.message?.kind).toBe('resident');

        // Agent (on B) to resident, pushed to A's socket.
        expect(
          (
            await agent.post(`/handoffs/${id}/messages`, {
              text: 'Sorry about that. I have booked a return visit for Thursday.',
            })
          ).status,
        ).toBe(200);
        await eventually(async () =>
          residentStream.texts.some((text) =>
            text.includes('Sorry about that. I have booked a return visit for Thursday.'),
          ),
        );
      } finally {
        residentStream.close();
        console.close();
      }
    },
    scaled(180_000),
  );

  it(
    'continue one conversation whichever instance each message reaches, and after one dies',
    async () => {
      const onA = await openConversation(urlA);
      const onB = await openConversation(urlB, { conversationId: onA.conversationId, token: onA.token });

      expect((await onA.say('when is my bin day')).join(' ')).toMatch(/postcode/i);
      expect((await onB.say('DF2 4QT')).join(' ')).toMatch(/which address/i);

      await killHard(first?.proc);
      const answer = (await onB.say('22')).join('\n');
      expect(answer).toMatch(/22 Mill Lane/);
      expect(answer).toMatch(/rubbish \(black bin\)/);
    },
    scaled(180_000),
  );
});

interface ConsoleEvent {
  type: string;
  requestId?: string;
  message?: { kind: string; text: string };
}

/** The agent console's live socket, as the page opens it (session cookie, same origin). */
async function openAgentSocket(url: string, agent: AgentClient): Promise<{ events: ConsoleEvent[]; close(): void }> {
  const events: ConsoleEvent[] = [];
  const socket = new WebSocket(`${url.replace('http', 'ws')}/agent/api/socket`, {
    headers: { Cookie: agent.cookieHeader, Origin: url },
  });
  socket.on('message', (data) => events.push(JSON.parse(String(data)) as ConsoleEvent));
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  await eventually(async () => events.some((e) => e.type === 'hello'));
  return { events, close: () => socket.close() };
}

/** A Web Chat-style WebSocket stream: every bot message text pushed to it, as it arrives. */
async function openStream(
  url: string,
  conversationId: string,
  token: string,
): Promise<{ texts: string[]; close(): void }> {
  const reconnect = await fetch(`${url}/v3/directline/conversations/${conversationId}?watermark=-`, {
    headers: { Authorization: `Bearer ${token}` },
  });
  const { streamUrl } = (await reconnect.json()) as { streamUrl: string };
  const texts: string[] = [];
  const socket = new WebSocket(streamUrl);
  socket.on('message', (data) => {
    const raw = String(data);
    if (!raw) return;
    const set = JSON.parse(raw) as { activities?: { type: string; text?: string; from?: { role?: string } }[] };
    for (const activity of set.activities ?? [])
      if (activity.type === 'message' && activity.from?.role !== 'user' && activity.text) texts.push(activity.text);
  });
  await new Promise((resolve, reject) => {
    socket.once('open', resolve);
    socket.once('error', reject);
  });
  return { texts, close: () => socket.close() };
}
