/**
 * Nothing lost: kill -9 the server in the middle of a conversation, start it again on the same
 * database, and the resident's next message carries on the same conversation state.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { testDatabase } from '../helpers/databases.js';
import { openConversation } from '../helpers/directLineRest.js';
import { killHard, READY_LIMIT_MS, startAssistantProcess, type AssistantProcess } from '../helpers/process.js';
import { scaled } from '../helpers/timeScale.js';

const database = await testDatabase();
let child: AssistantProcess | undefined;

const startProcess = () => startAssistantProcess({ STORAGE_URL: database.url });

afterAll(async () => {
  await killHard(child?.proc);
  await database.drop();
});

describe('a conversation survives kill -9', () => {
  it(
    'continues where it was after the process is killed and started again',
    async () => {
      child = await startProcess();
      const base = child.url;

      const conversation = await openConversation(base);
      // The assistant counts misunderstandings: the second one in a row offers a person.
      const first = await conversation.say('purple monkey dishwasher');
      expect(first.join(' ')).toMatch(/didn't understand/i);
      expect(first.join(' ')).not.toMatch(/still/i);

      // A second resident is half-way through a question when the server dies.
      const binDay = await openConversation(base);
      expect((await binDay.say('when is my bin day')).join(' ')).toMatch(/postcode/i);

      await killHard(child.proc);
      // The new process binds a port of its own; the conversations live in the database.
      child = await startProcess();
      const after = child.url;

      const resumed = await openConversation(after, {
        conversationId: conversation.conversationId,
        token: conversation.token,
      });
      const second = await resumed.say('banana telephone');
      expect(second.join(' ')).toMatch(/still didn't understand/i);
      const binDayResumed = await openConversation(after, {
        conversationId: binDay.conversationId,
        token: binDay.token,
      });
      expect((await binDayResumed.say('DF2 4QT')).join(' ')).toMatch(/which address/i);

      // The history from before the crash is still there for Web Chat to show.
      const history = await resumed.botMessages();
      expect(history.some((a) => /didn't understand/i.test(a.text ?? '') && !/still/i.test(a.text ?? ''))).toBe(true);
    },
    2 * READY_LIMIT_MS + scaled(60_000),
  );
});
