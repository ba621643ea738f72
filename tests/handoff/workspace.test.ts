/**
 * The workspace's rules through the agent API (the console's browser test shows them on screen):
 * one agent at a time works a callback and records how it went; availability decides who can
 * accept and what estimate residents hear; a transfer says what is missing and can put a
 * resident back in the queue; the context is in plain words.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, MONDAY_10AM, startHandoffCouncil, type HandoffCouncil } from './harness.js';

let council: HandoffCouncil;
let ana: AgentClient;
let ben: AgentClient;

async function signedIn(username: string, displayName: string): Promise<AgentClient> {
  await council.handoff.accounts.add(username, `${username}-password-123`, { displayName });
  const client = new AgentClient(council.url);
  expect((await client.signIn(username, `${username}-password-123`)).status).toBe(200);
  return client;
}

async function errorOf(response: Response): Promise<[number, string]> {
  return [response.status, ((await response.json()) as { error?: string }).error ?? ''];
}

interface QueueView {
  waiting: { id: string; topicLabel: string; reasonLabel: string }[];
  availableAgents: number;
}

beforeAll(async () => {
  council = await startHandoffCouncil();
  ana = await signedIn('ana', 'Ana Patel');
  ben = await signedIn('ben', 'Ben Okoro');
}, 60_000);

afterAll(async () => {
  await council?.stop();
  await council?.fakeTwilio.close();
});

describe('the agent workspace API', () => {
  it('shares the estimate among available agents; an agent away cannot accept', async () => {
    expect((await ana.json<QueueView>('/queue')).availableAgents).toBe(2);
    const first = await council.web();
    // Four minutes a place, two agents available: about two minutes.
    expect((await first.say('can I speak to a person')).join('\n')).toMatch(
      /number 1 in the queue; it's usually about 2 minutes/,
    );
    expect(await errorOf(await ana.post('/availability', { availability: 'on lunch' }))).toEqual([
      400,
      'Choose one of: available, busy, away.',
    ]);
    expect((await ana.post('/availability', { availability: 'away' })).status).toBe(200);
    expect((await ben.post('/availability', { availability: 'busy' })).status).toBe(200);
    expect((await ana.json<QueueView>('/queue')).availableAgents).toBe(0);
    // A moment later (the test's clock stands still otherwise): the queue orders by arrival.
    council.clock.now += 30_000;
    const second = await council.web();
    // Nobody says they are available: the plain estimate, never "0 minutes".
    expect((await second.say('can I speak to a person')).join('\n')).toMatch(
      /number 2 in the queue; it's usually about 8 minutes/,
    );

    const [waiting] = (await ana.json<QueueView>('/queue')).waiting;
    expect(waiting).toMatchObject({ topicLabel: 'Asked to speak to a person', reasonLabel: 'They asked for a person' });
    expect(await errorOf(await ana.post(`/handoffs/${waiting?.id}/accept`))).toEqual([
      409,
      'You are set to away. Set yourself available or busy to take a conversation.',
    ]);
    // Busy still takes a conversation when they choose to.
    expect((await ben.post(`/handoffs/${waiting?.id}/accept`)).status).toBe(200);

    // A transfer says what is missing; "the queue" puts the resident back at their place.
    expect(await errorOf(await ben.post(`/handoffs/${waiting?.id}/transfer`, {}))).toEqual([
      400,
      'Choose who to transfer to: the queue or a named agent.',
    ]);
    expect(await errorOf(await ben.post(`/handoffs/${waiting?.id}/transfer`, { agentId: 'nobody' }))).toEqual([
      400,
      'That agent does not exist or has been disabled. Choose another.',
    ]);
    expect((await ben.post(`/handoffs/${waiting?.id}/transfer`, { queue: true })).status).toBe(200);
    expect((await ana.json<QueueView>('/queue')).waiting.map((w) => w.id)[0]).toBe(waiting?.id);
    expect((await first.botMessages()).map((m) => m.text).join('\n')).toMatch(/number 1 in the queue/);
    await ana.post('/availability', { availability: 'available' });
    await ben.post('/availability', { availability: 'available' });
  }, 60_000);

  it('lets one agent claim a callback, and closes it only with an outcome', async () => {
    council.clock.now = MONDAY_10AM + 8 * 3_600_000 - 60_000; // 5.59pm: closed
    const texts = council.sms('+447700900432');
    await texts('can I speak to a person');
    await texts('yes');
    expect((await texts('my missed bin, any time')).join('\n')).toMatch(/which (property|address)/i);
    const reference = /HC-\d{6}/.exec((await texts('22 Mill Lane DF2 4QT')).join('\n'))?.[0] ?? '';
    expect(reference).not.toBe('');
    council.clock.now = MONDAY_10AM + 60_000;
    const listed = await ana.json<{
      callbacks: { reference: string; about: string; contact: string; claimedBy: string | null }[];
    }>('/callbacks');
    expect(listed.callbacks.find((c) => c.reference === reference)).toMatchObject({
      about: 'my missed bin, any time',
      contact: '+447700900432',
      claimedBy: null,
    });

    const claims = await Promise.all([
      ana.post(`/callbacks/${reference}/claim`),
      ben.post(`/callbacks/${reference}/claim`),
    ]);
    expect(claims.map((r) => r.status).sort()).toEqual([200, 409]);
    const [winner, loser] = claims[0]?.status === 200 ? [ana, ben] : [ben, ana];
    expect(await errorOf(await loser.post(`/callbacks/${reference}/close`, { outcome: 'resolved' }))).toEqual([
      409,
      'Claim this callback before recording how it went.',
    ]);
    expect(await errorOf(await winner.post(`/callbacks/${reference}/close`, {}))).toEqual([
      400,
      'Choose what happened on the call before closing it.',
    ]);
    expect((await winner.post(`/callbacks/${reference}/close`, { outcome: 'no_answer' })).status).toBe(200);
    expect(await errorOf(await winner.post(`/callbacks/${reference}/close`, { outcome: 'resolved' }))).toEqual([
      409,
      'This callback has already been closed.',
    ]);
    expect(
      (await ana.json<{ callbacks: { reference: string }[] }>('/callbacks')).callbacks.map((c) => c.reference),
    ).not.toContain(reference);
    expect(await errorOf(await ana.post('/callbacks/HC-12/claim'))).toEqual([404, 'No such callback request.']);
  }, 60_000);
});
