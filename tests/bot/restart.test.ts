/**
 * Nothing lost: kill -9 the server in the middle of a conversation, start it again on the same
 * database, and the resident's next message carries on the same conversation state.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../helpers/databases.js';
import { openConversation } from '../helpers/directLineRest.js';
import { freePort, killHard, startAssistantProcess } from '../helpers/process.js';

const database = (await testDatabase());
let child: ChildProcess | undefined;

const startProcess = (port: number) => startAssistantProcess(port, { STORAGE_URL: database.url });

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

    await killHard(child);
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
