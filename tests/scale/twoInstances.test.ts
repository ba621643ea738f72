/**
 * Two assistant processes behind one (imaginary) load balancer, sharing PostgreSQL and Redis:
 * a resident's messages land on either, the conversation carries on, and killing one loses
 * nothing.
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresTestDatabase, type TestDatabase } from '../helpers/databases.js';
import { openConversation } from '../helpers/directLineRest.js';
import { freePort, killHard, startAssistantProcess } from '../helpers/process.js';

const REDIS_URL = process.env.REDIS_TEST_URL ?? 'redis://127.0.0.1:6379';

let database: TestDatabase;
let first: ChildProcess | undefined;
let second: ChildProcess | undefined;
let urlA = '';
let urlB = '';

beforeAll(async () => {
  database = await postgresTestDatabase();
  const env = { STORAGE_URL: database.url, REDIS_URL };
  const [portA, portB] = [await freePort(), await freePort()];
  // One at a time: the first runs the migrations.
  first = await startAssistantProcess(portA, env);
  second = await startAssistantProcess(portB, env);
  urlA = `http://127.0.0.1:${portA}`;
  urlB = `http://127.0.0.1:${portB}`;
}, 90_000);

afterAll(async () => {
  await killHard(first);
  await killHard(second);
  await database?.drop();
});

describe('two instances on PostgreSQL and Redis', () => {
  it('runs messages for one conversation sent to both at once one at a time, in order', async () => {
    const onA = await openConversation(urlA);
    const onB = await openConversation(urlB, { conversationId: onA.conversationId, token: onA.token });
    // Both posts race to different instances; whichever is taken first, the second turn sees
    // the first's state (the misunderstanding count), so exactly one says "still".
    const [a, b] = await Promise.all([onA.say('purple monkey dishwasher'), onB.say('banana telephone')]);
    const replies = [...a, ...b].join('\n');
    expect(replies).toMatch(/didn't understand/i);
    expect(replies).toMatch(/still didn't understand/i);
  }, 60_000);
  it('continue one conversation whichever instance each message reaches, and after one dies', async () => {
    const onA = await openConversation(urlA);
    const onB = await openConversation(urlB, { conversationId: onA.conversationId, token: onA.token });

    expect((await onA.say('when is my bin day')).join(' ')).toMatch(/postcode/i);
    expect((await onB.say('DF2 4QT')).join(' ')).toMatch(/which address/i);

    await killHard(first);
    const answer = (await onB.say('22')).join('\n');
    expect(answer).toMatch(/22 Mill Lane/);
    expect(answer).toMatch(/rubbish \(black bin\)/);
  }, 60_000);

});
