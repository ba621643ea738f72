import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../store/database.js';
import { DatabaseStorage } from '../../store/botStorage.js';
import { DatabaseTranscriptStore } from '../../store/transcriptStore.js';
import { ENGINES, type TestDatabase } from '../helpers/databases.js';
import { ActivityTypes, type Activity } from 'botbuilder';

describe.each(ENGINES)('state and transcripts on $name', ({ create }) => {
  let testDb: TestDatabase;
  let database: Database;
  let storage: DatabaseStorage;

  beforeAll(async () => {
    testDb = await create();
    database = await openDatabase(testDb.url);
    storage = new DatabaseStorage(database.db);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it('keeps what a conversation wrote, with a new eTag each time', async () => {
    await storage.write({ 'conv/1': { step: 'postcode', postcode: 'DF1 1AA' } });
    const first = await storage.read(['conv/1', 'missing']);
    expect(first['conv/1']).toMatchObject({ step: 'postcode', postcode: 'DF1 1AA' });
    expect(first['missing']).toBeUndefined();
    const firstTag = first['conv/1']?.eTag;
    expect(typeof firstTag).toBe('string');

    await storage.write({ 'conv/1': { ...first['conv/1'], step: 'address' } });
    const second = await storage.read(['conv/1']);
    expect(second['conv/1']).toMatchObject({ step: 'address' });
    expect(second['conv/1']?.eTag).not.toBe(firstTag);
  });

  it('refuses a write made from a stale copy, so two turns cannot overwrite each other', async () => {
    await storage.write({ 'conv/2': { count: 1 } });
    const copyA = (await storage.read(['conv/2']))['conv/2'];
    const copyB = (await storage.read(['conv/2']))['conv/2'];
    await storage.write({ 'conv/2': { ...copyA, count: 2 } });
    await expect(storage.write({ 'conv/2': { ...copyB, count: 3 } })).rejects.toThrow(/eTag conflict/);
    expect((await storage.read(['conv/2']))['conv/2']).toMatchObject({ count: 2 });
    // '*' means "whatever is there", as in botbuilder's own stores.
    await storage.write({ 'conv/2': { count: 4, eTag: '*' } });
    expect((await storage.read(['conv/2']))['conv/2']).toMatchObject({ count: 4 });
  });

  it('writes a batch all or nothing', async () => {
    await storage.write({ 'batch/a': { v: 1 } });
    const stale = (await storage.read(['batch/a']))['batch/a'];
    await storage.write({ 'batch/a': { ...stale, v: 2 } });
    await expect(storage.write({ 'batch/b': { v: 1 }, 'batch/a': { ...stale, v: 3 } })).rejects.toThrow();
    const after = await storage.read(['batch/a', 'batch/b']);
    expect(after['batch/a']).toMatchObject({ v: 2 });
    expect(after['batch/b']).toBeUndefined();
  });

  it('deletes', async () => {
    await storage.write({ 'gone/1': { v: 1 } });
    await storage.delete(['gone/1']);
    expect(await storage.read(['gone/1'])).toEqual({});
  });

  it('keeps a whole transcript in order, paged', async () => {
    const transcripts = new DatabaseTranscriptStore(database.db);
    for (let i = 0; i < 130; i++) {
      const activity: Partial<Activity> = {
        type: ActivityTypes.Message,
        id: `a${i}`,
        text: `message ${i}`,
        channelId: 'directline',
        conversation: { id: 'c-transcript', isGroup: false, name: '', conversationType: '' },
        timestamp: new Date(Date.UTC(2026, 10, 23, 12, 0, i)),
      };
      await transcripts.logActivity(activity as Activity);
    }
    const firstPage = await transcripts.getTranscriptActivities('directline', 'c-transcript');
    expect(firstPage.items).toHaveLength(100);
    expect(firstPage.continuationToken).not.toBe('');
    const whole = await transcripts.getWholeTranscript('directline', 'c-transcript');
    expect(whole.map((a) => a.text)).toEqual(Array.from({ length: 130 }, (_, i) => `message ${i}`));
    expect(whole[0]?.timestamp).toBeInstanceOf(Date);
    const listed = await transcripts.listTranscripts('directline');
    expect(listed.items.map((t) => t.id)).toContain('c-transcript');
    await transcripts.deleteTranscript('directline', 'c-transcript');
    expect((await transcripts.getWholeTranscript('directline', 'c-transcript')).length).toBe(0);
  });
});
