/**
 * Nothing lost: kill -9 the server in the middle of a conversation, start it again on the same
 * database, and the resident's next message carries on the same conversation state.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../helpers/databases.js';
import { openConversation } from '../helpers/directLineRest.js';

const database = (await testDatabase());
let child: ChildProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

async function startProcess(port: number): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
    env: { ...process.env, PORT: String(port), STORAGE_URL: database.url, LOG_LEVEL: 'warn', NODE_ENV: 'test' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`assistant exited with ${proc.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return proc;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('assistant did not become ready');
}

afterAll(async () => {
  child?.kill('SIGKILL');
  await database.drop();
});

describe('a conversation survives kill -9', () => {
  it('continues where it was after the process is killed and started again', async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    child = await startProcess(port);

    const conversation = await openConversation(base);
    // The assistant counts misunderstandings: the second one in a row offers a person.
    const first = await conversation.say('purple monkey dishwasher');
    expect(first.join(' ')).toMatch(/didn't understand/i);
    expect(first.join(' ')).not.toMatch(/still/i);

    // A second resident is half-way through a question when the server dies.
    const binDay = await openConversation(base);
    expect((await binDay.say('when is my bin day')).join(' ')).toMatch(/postcode/i);

    child.kill('SIGKILL');
    await new Promise((resolve) => child?.once('exit', resolve));
    child = await startProcess(port);

    const resumed = await openConversation(base, { conversationId: conversation.conversationId, token: conversation.token });
    const second = await resumed.say('banana telephone');
    expect(second.join(' ')).toMatch(/still didn't understand/i);
    const binDayResumed = await openConversation(base, { conversationId: binDay.conversationId, token: binDay.token });
    expect((await binDayResumed.say('DF2 4QT')).join(' ')).toMatch(/which address/i);

    // The history from before the crash is still there for Web Chat to show.
    const history = await resumed.botMessages();
    expect(history.some((a) => /didn't understand/i.test(a.text ?? '') && !/still/i.test(a.text ?? ''))).toBe(true);
  }, 90_000);
});
