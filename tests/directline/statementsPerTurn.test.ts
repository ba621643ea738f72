/**
 * What one Web Chat turn costs the database, counted in statements (each a round trip on
 * PostgreSQL; BEGIN and COMMIT count): a message with one reply, its state and its transcript.
 * The message is stored before its turn runs (so a crash cannot lose it), and everything the
 * turn produced commits in one more transaction: its reply, its state, both transcript rows
 * and "answered". A client's read is one statement. These are behaviours of the store, so the
 * counts are exact: a change that adds a round trip to every turn should have to say so here.
 */
import { randomUUID } from 'node:crypto';
import { ConversationState, TranscriptLoggerMiddleware, type TurnContext } from 'botbuilder';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DatabaseStorage } from '../../store/botStorage.js';
import { DeferredStateWrites } from '../../store/deferredStateWrites.js';
import { databaseStatements, openDatabase, type Database } from '../../store/database.js';
import { DatabaseTranscriptStore } from '../../store/transcriptStore.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';
import { SECRET, call, startHarness, type Harness } from './harness.js';

describe.each(ENGINES)('statements for a one-reply Web Chat turn on $name', ({ name, create }) => {
  let testDb: TestDatabase;
  let harness: Harness;
  let reader: Database;
  let inboxDb: Database | undefined;
  // Every handle this test opened counts (the adapter's, the inbox's); nothing else runs meanwhile.
  const statements = () => databaseStatements()[name];

  beforeAll(async () => {
    testDb = await create();
    // The adapter's own database handle counts its statements; a second one reads for the checks.
    reader = await openDatabase(testDb.url);
    const stateWrites = new DeferredStateWrites();
    // Assigned once the harness (and its database) exists; the turn logic reads it then.
    // eslint-disable-next-line prefer-const
    let conversationState: ConversationState | undefined;
    harness = await startHarness({
      storageUrl: testDb.url,
      logic: async (context: TurnContext) => {
        if (context.activity.type !== 'message' || !conversationState) return;
        const turns = conversationState.createProperty<number>('turns');
        await turns.set(context, (await turns.get(context, 0)) + 1);
        await context.sendActivity(`echo: ${context.activity.text ?? ''}`);
        await conversationState.saveChanges(context);
      },
      // No sweep during the test: it would add statements of its own.
      overrides: {
        inbox: {
          db: (inboxDb = await openDatabase(testDb.url)).db,
          leaseMs: 30_000,
          sweepEveryMs: 3_600_000,
          stateWrites,
        },
      },
    });
    conversationState = new ConversationState(new DatabaseStorage(harness.database.db, stateWrites));
    harness.adapter.use(new TranscriptLoggerMiddleware(new DatabaseTranscriptStore(harness.database.db, stateWrites)));
  });
  afterAll(async () => {
    await harness?.close();
    await reader?.close();
    await inboxDb?.close();
    await testDb?.drop();
  });

  it('stores the reply, state, transcript and "answered" together, and reads back in one statement', async () => {
    const started = await call(`${harness.domain}/conversations`, { method: 'POST', auth: SECRET });
    const { conversationId } = (await started.json()) as { conversationId: string };
    const url = `${harness.domain}/conversations/${conversationId}/activities`;

    const before = statements();
    const posted = await call(url, {
      method: 'POST',
      auth: SECRET,
      body: { type: 'message', text: 'hello', from: { id: 'r' }, channelData: { clientActivityID: randomUUID() } },
    });
    expect(posted.status).toBe(200);
    const turn = statements() - before;

    const beforeRead = statements();
    const read = (await (await call(url, { auth: SECRET })).json()) as { activities: { text?: string }[] };
    const reading = statements() - beforeRead;

    expect(read.activities.map((a) => a.text)).toContain('echo: hello');
    const transcript = await reader.db
      .selectFrom('transcript_activities')
      .select('activity')
      .where('conversation_id', '=', conversationId)
      .execute();
    const messages = transcript
      .map((row) => JSON.parse(row.activity) as { type?: string; text?: string })
      .filter((a) => a.type === 'message');
    expect(messages.map((a) => a.text)).toEqual(['hello', 'echo: hello']);
    const state = await reader.db
      .selectFrom('bot_state')
      .select('document')
      .where('key', 'like', `%${conversationId}%`)
      .executeTakeFirstOrThrow();
    expect(JSON.parse(state.document)).toMatchObject({ turns: 1 });

    // Before the turn: the conversation and its inbox (1); the message stored with its inbox
    // row (BEGIN, watermark, activity, inbox row, COMMIT: 5). The turn reads its state (1).
    // After it, one transaction: BEGIN, state, both transcript rows, the reply's watermark, the
    // reply, "answered", COMMIT (7).
    expect(turn).toBe(1 + 5 + 1 + 7);
    expect(reading).toBe(1);
  });
});
