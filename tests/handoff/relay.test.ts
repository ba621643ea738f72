/**
 * Handoff end to end over the API: residents on Web Chat (Direct Line) and SMS (fake Twilio)
 * ask for a person, an agent signs in, sees them queued with their context, accepts, replies,
 * reads the answer, ends; the assistant takes over again and asks for a rating.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentClient, eventually, startHandoffCouncil, type HandoffCouncil } from './harness.js';

let council: HandoffCouncil;
let agent: AgentClient;

interface QueueView {
  waiting: { id: string; channel: string; topic: string; priority: string; position: number; waitingSeconds: number }[];
  mine: { id: string }[];
}
interface ContextView {
  channel: string;
  status: string;
  who: { description: string; phone?: string };
  transcript: { from: string; text: string }[];
  messages: { kind: string; text: string; delivery: string }[];
}

beforeAll(async () => {
  council = await startHandoffCouncil();
  await council.handoff.accounts.add('sam', 'correct horse battery', { displayName: 'Sam' });
  agent = new AgentClient(council.url);
  expect((await agent.signIn('sam', 'correct horse battery')).status).toBe(200);
});

afterAll(async () => {
  await council?.stop();
  await council?.fakeTwilio.close();
});

describe('a Web Chat resident handed to a person', () => {
  it('queues, relays both ways, ends and gives the resident back to the assistant', async () => {
    const resident = await council.web();
    await resident.say('what day is my bin collected');
    const queued = await resident.say('can I speak to a person');
    expect(queued.join('\n')).toMatch(/number 1 in the queue/);
    expect(queued.join('\n')).toMatch(/about 4 minutes/);

    // While waiting, what they type is kept for the agent.
    const waiting = await resident.say('it is about my council tax bill');
    expect(waiting.join('\n')).toMatch(/kept that for the person/);

    const queue = await agent.json<QueueView>('/queue');
    const entry = queue.waiting.find((w) => w.channel === 'web');
    expect(entry).toMatchObject({ channel: 'web', priority: 'normal', position: 1, topic: 'agent.request' });
    const id = entry?.id ?? '';

    const context = await agent.json<ContextView>(`/handoffs/${id}`);
    // The full transcript, from the first message on, not an excerpt.
    expect(context.transcript.map((line) => line.text)).toEqual(
      expect.arrayContaining([
        'what day is my bin collected',
        'can I speak to a person',
        'it is about my council tax bill',
      ]),
    );
    expect(context.transcript.find((line) => line.text === 'what day is my bin collected')?.from).toBe('resident');
    expect(context.messages.filter((m) => m.kind === 'resident').map((m) => m.text)).toEqual([
      'can I speak to a person',
      'it is about my council tax bill',
    ]);

    expect((await agent.post(`/handoffs/${id}/accept`)).status).toBe(200);
    await eventually(async () =>
      (await resident.botMessages()).some((m) => /Sam from the contact centre has joined/.test(m.text ?? '')),
    );

    expect((await agent.post(`/handoffs/${id}/messages`, { text: 'Hello, I can help with your bill.' })).status).toBe(
      200,
    );
    await eventually(async () =>
      (await resident.botMessages()).some((m) => m.text === 'Sam: Hello, I can help with your bill.'),
    );

    // The resident's answer goes to the agent, not the assistant: no reply from the bot.
    expect(await resident.say('thank you, it went up this year')).toEqual([]);
    const after = await agent.json<ContextView>(`/handoffs/${id}`);
    expect(after.messages.at(-1)).toMatchObject({ kind: 'resident', text: 'thank you, it went up this year' });
    expect(
      after.transcript.some((line) => line.from === 'agent' && line.text.includes('I can help with your bill')),
    ).toBe(true);

    expect((await agent.post(`/handoffs/${id}/end`, { outcome: 'resolved' })).status).toBe(200);
    await eventually(async () =>
      (await resident.botMessages()).some((m) => /Sam has ended the chat.*How did we do/s.test(m.text ?? '')),
    );
    expect((await resident.say('5')).join('\n')).toMatch(/Thank you for your feedback/);
    const request = await council.handoff.service.queue.get(id);
    expect(request).toMatchObject({ status: 'ended', outcome: 'resolved', rating: 5 });

    // The assistant is back: a question gets an assistant's answer again.
    expect((await resident.say('hello')).join('\n').length).toBeGreaterThan(0);
    expect((await agent.json<QueueView>('/queue')).waiting.some((w) => w.id === id)).toBe(false);
  });

  it("lets a waiting resident say 'back' to return to the assistant", async () => {
    const resident = await council.web();
    await resident.say('I want to talk to someone');
    const left = await resident.say('back');
    expect(left.join('\n')).toMatch(/left the queue/);
    const queue = await agent.json<QueueView>('/queue');
    expect(queue.waiting.filter((w) => w.channel === 'web')).toEqual([]);
  });
});

describe('an SMS resident handed to a person', () => {
  it('texts the agent and gets the agent’s replies by text', async () => {
    const number = '+447700900321';
    const text = council.sms(number);
    await text('hi');
    const queued = await text('can I speak to a person');
    expect(queued.join('\n')).toMatch(/number 1 in the queue/);
    await text('my bin was not collected');

    const queue = await agent.json<QueueView>('/queue');
    const entry = queue.waiting.find((w) => w.channel === 'sms');
    expect(entry).toBeDefined();
    const id = entry?.id ?? '';
    const context = await agent.json<ContextView>(`/handoffs/${id}`);
    expect(context.who.phone).toBe(number);
    expect(context.messages.map((m) => m.text)).toContain('my bin was not collected');

    expect((await agent.post(`/handoffs/${id}/accept`)).status).toBe(200);
    const sentBefore = council.fakeTwilio.sentTo(number).length;
    expect((await agent.post(`/handoffs/${id}/messages`, { text: 'Which street are you on?' })).status).toBe(200);
    await eventually(async () =>
      council.fakeTwilio
        .sentTo(number)
        .slice(sentBefore)
        .some((m) => m.body === 'Sam: Which street are you on?'),
    );

    expect(await text('Mill Lane')).toEqual([]);
    await eventually(async () =>
      (await agent.json<ContextView>(`/handoffs/${id}`)).messages.some(
        (m) => m.kind === 'resident' && m.text === 'Mill Lane',
      ),
    );

    expect((await agent.post(`/handoffs/${id}/end`, { outcome: 'case_opened' })).status).toBe(200);
    await eventually(async () =>
      council.fakeTwilio.sentTo(number).some((m) => /ended the chat.*Reply 1 \(poor\) to 5/s.test(m.body)),
    );
    expect((await text('4')).join('\n')).toMatch(/Thank you/);
    expect((await council.handoff.service.queue.get(id))?.rating).toBe(4);
  });
});

describe('interop and transfer', () => {
  it('emits handoff.initiate with the transcript, and ignores a handoff.status a resident posts', async () => {
    const resident = await council.web();
    await resident.say('can I speak to a person');
    const headers = { Authorization: `Bearer ${resident.token}`, 'Content-Type': 'application/json' };
    const all = (await (
      await fetch(`${council.url}/v3/directline/conversations/${resident.conversationId}/activities`, { headers })
    ).json()) as {
      activities: {
        type: string;
        name?: string;
        value?: { handoffId?: string };
        attachments?: { contentType: string; content: { activities: { text?: string }[] } }[];
      }[];
    };
    const initiate = all.activities.find((a) => a.type === 'event' && a.name === 'handoff.initiate');
    expect(initiate?.value?.handoffId).toMatch(/^[0-9a-f-]{36}$/);
    const transcript =
      initiate?.attachments?.find((a) => a.contentType === 'application/json')?.content.activities ?? [];
    expect(transcript.map((a) => a.text)).toContain('can I speak to a person');

    // A resident pretending to be an agent hub changes nothing.
    await fetch(`${council.url}/v3/directline/conversations/${resident.conversationId}/activities`, {
      method: 'POST',
      headers,
      body: JSON.stringify({
        type: 'event',
        name: 'handoff.status',
        value: { state: 'completed' },
        from: { id: 'resident' },
      }),
    });
    expect((await council.handoff.service.queue.activeFor(resident.conversationId))?.status).toBe('queued');
    await resident.say('back');
  });

  it('transfers a conversation to another agent, who can then reply', async () => {
    await council.handoff.accounts.add('tom', 'tom-password-123', { displayName: 'Tom' });
    const tom = new AgentClient(council.url);
    await tom.signIn('tom', 'tom-password-123');
    const resident = await council.web();
    await resident.say('can I speak to a person');
    const id = (await council.handoff.service.queue.activeFor(resident.conversationId))?.id ?? '';
    expect((await agent.post(`/handoffs/${id}/accept`)).status).toBe(200);
    const tomAccount = await council.handoff.accounts.byUsername('tom');
    expect((await tom.post(`/handoffs/${id}/messages`, { text: 'not mine yet' })).status).toBe(409);
    expect((await agent.post(`/handoffs/${id}/transfer`, { agentId: tomAccount?.id })).status).toBe(200);
    await eventually(async () => (await resident.botMessages()).some((m) => /now talking to Tom/.test(m.text ?? '')));
    expect((await agent.post(`/handoffs/${id}/messages`, { text: 'still me?' })).status).toBe(409);
    expect((await agent.get(`/handoffs/${id}`)).status).toBe(403);
    expect((await tom.post(`/handoffs/${id}/messages`, { text: 'Tom here.' })).status).toBe(200);
    await eventually(async () => (await resident.botMessages()).some((m) => m.text === 'Tom: Tom here.'));
  });
});
