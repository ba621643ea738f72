/**
 * Web Chat messages are answered once: the same clientActivityID posted twice runs one turn,
 * and a message an instance stored but died before answering is answered after the restart.
 * The dead instance is played by what it leaves in the database; the real kill -9 runs are in
 * tests/reliability.
 */
import type { Activity } from 'botbuilder';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../store/database.js';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { openConversation, type RestConversation } from '../helpers/directLineRest.js';
import { MAX_ATTEMPTS } from '../../adapters/directline/inbox.js';

let assistant: TestAssistant | undefined;
let database: TestDatabase | undefined;
afterEach(async () => {
  await assistant?.close();
  await database?.drop();
  assistant = undefined;
  database = undefined;
});

async function post(base: string, conversation: RestConversation, body: object): Promise<Response> {
  return fetch(`${base}/v3/directline/conversations/${conversation.conversationId}/activities`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${conversation.token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
}

const answersTo = (messages: Partial<Activity>[], id: string) => messages.filter((m) => m.replyToId === id);

/**
 * Stores `text` as the resident's next message, left `processing` by instances that died
 * (`attempts` of them took it) under a lease nobody will renew; returns its id.
 */
async function leftUnanswered(
  store: Database,
  resident: RestConversation,
  text: string,
  attempts: number,
): Promise<string> {
  // On SQLite (one instance) a restart takes over even a lease that has not run out; with
  // PostgreSQL, other instances may be alive, so it waits for the lease to run out.
  const deadLeaseUntil = store.dialect === 'sqlite' ? Date.now() + 60_000 : Date.now() - 1;
  const next = await store.db
    .selectFrom('directline_conversations')
    .select('next_watermark')
    .where('id', '=', resident.conversationId)
    .executeTakeFirstOrThrow();
  const watermark = Number(next.next_watermark);
  const id = `${resident.conversationId}|${String(watermark).padStart(7, '0')}`;
  await store.db.transaction().execute(async (trx) => {
    await trx
      .updateTable('directline_conversations')
      .set({ next_watermark: watermark + 1 })
      .where('id', '=', resident.conversationId)
      .execute();
    await trx
      .insertInto('directline_activities')
      .values({
        conversation_id: resident.conversationId,
        watermark,
        activity: JSON.stringify({
          type: 'message',
          id,
          text,
          channelId: 'directline',
          serviceUrl: 'http://127.0.0.1',
          timestamp: new Date().toISOString(),
          conversation: { id: resident.conversationId },
          from: { id: 'resident', role: 'user' },
          recipient: { id: 'council-assistant', role: 'bot' },
        }),
      })
      .execute();
    await trx
      .insertInto('directline_inbox')
      .values({
        conversation_id: resident.conversationId,
        watermark,
        client_activity_id: null,
        state: 'processing',
        lease_owner: 'dead',
        lease_until: deadLeaseUntil,
        attempts,
        received_at: Date.now(),
        answered_at: null,
      })
      .execute();
  });
  return id;
}

describe('Web Chat inbox', () => {
  it('the same clientActivityID posted twice (at once, or again later) runs one turn and gets the same id', async () => {
    assistant = await startTestAssistant();
    const base = assistant.url;
    const resident = await openConversation(base);
    const message = {
      type: 'message',
      text: 'when is my bin day',
      from: { id: 'resident' },
      channelData: { clientActivityID: 'web-chat-1' },
    };
    const [first, second] = await Promise.all([post(base, resident, message), post(base, resident, message)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    const ids = [((await first.json()) as { id: string }).id, ((await second.json()) as { id: string }).id];
    expect(ids[0]).toBe(ids[1]);
    const again = await post(base, resident, message);
    expect(((await again.json()) as { id: string }).id).toBe(ids[0]);
    const asked = (await resident.botMessages()).filter((m) => /postcode/i.test(m.text ?? ''));
    expect(asked).toHaveLength(1);
    // A different message from the same page is a new turn.
    const next = await post(base, resident, {
      ...message,
      text: 'DF2 4QT',
      channelData: { clientActivityID: 'web-chat-2' },
    });
    expect(((await next.json()) as { id: string }).id).not.toBe(ids[0]);
    expect((await resident.botMessages()).some((m) => /which address/i.test(m.text ?? ''))).toBe(true);
  });

  it('a message stored by an instance that died before answering is answered after the restart, once', async () => {
    database = await testDatabase();
    assistant = await startTestAssistant({}, database);
    const resident = await openConversation(assistant.url);
    expect((await resident.say('van permit')).join('\n')).toMatch(/postcode/i);

    // What a crash right after storing the resident's answer leaves: the message (its echo is in
    // the history, so Web Chat offers no retry) under a lease nobody will renew.
    const store = await openDatabase(database.url);
    const id = await leftUnanswered(store, resident, 'DF2 4QT', 1);
    await store.close();
    expect(answersTo(await resident.botMessages(), id)).toEqual([]);

    // Restarted on the same (SQLite: single-instance) database: the start-up sweep answers it.
    const restartedOn = database;
    await assistant.stop();
    assistant = await startTestAssistant({}, restartedOn);
    const resumed = await openConversation(assistant.url, {
      conversationId: resident.conversationId,
      token: resident.token,
    });
    await expect
      .poll(
        async () =>
          answersTo(await resumed.botMessages(), id)
            .map((m) => m.text ?? '')
            .join('\n'),
        { timeout: 20_000 },
      )
      .toMatch(/which address/i);
    // And the conversation carries on from there.
    expect((await resumed.say('22 Mill Lane')).join('\n')).toMatch(/registration/i);
    expect(answersTo(await resumed.botMessages(), id).filter((m) => /which address/i.test(m.text ?? ''))).toHaveLength(
      1,
    );
  });

  it('a message that failed every attempt is answered with an apology asking to send it again, and counted', async () => {
    database = await testDatabase();
    assistant = await startTestAssistant({}, database);
    const resident = await openConversation(assistant.url);
    expect((await resident.say('van permit')).join('\n')).toMatch(/postcode/i);

    // Five instances took it and none finished it (each died, or its turn kept failing).
    const store = await openDatabase(database.url);
    const id = await leftUnanswered(store, resident, 'DF2 4QT', MAX_ATTEMPTS);
    await store.close();

    const restartedOn = database;
    await assistant.stop();
    assistant = await startTestAssistant({}, restartedOn);
    const resumed = await openConversation(assistant.url, {
      conversationId: resident.conversationId,
      token: resident.token,
    });
    await expect
      .poll(
        async () =>
          answersTo(await resumed.botMessages(), id)
            .map((m) => m.text ?? '')
            .join('\n'),
        { timeout: 20_000 },
      )
      .toMatch(/couldn't finish that\. Please try again.*01632 960000/s);
    const answers = answersTo(await resumed.botMessages(), id);
    expect(answers).toHaveLength(1);
    expect(answers[0]?.text).not.toMatch(/which address/i);
    const metrics = await (await fetch(`${assistant.url}/metrics`)).text();
    expect(metrics).toMatch(/assistant_messages_given_up_total\{channel="directline"\} 1/);
    // Sent again, as the apology asks, it is answered.
    expect((await resumed.say('DF2 4QT')).join('\n')).toMatch(/which address/i);
  });
});
