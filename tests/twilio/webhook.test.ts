import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  COUNCIL_NUMBER,
  inboundParams,
  messageSid,
  residentNumber,
  sign,
  startHarness,
  type Harness,
} from './harness.js';

const PATH = '/api/sms/twilio';

describe('Twilio SMS webhook', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it('answers a signed message: greets a new number, then replies, by REST with empty TwiML', async () => {
    const resident = residentNumber(1);
    const response = await h.sms(resident, 'When is my bin day?');
    expect(response.status).toBe(200);
    expect(response.body).toContain('<Response/>');
    const sent = await h.fake.waitForSent(1);
    // The greeting and the echo were one turn each but are joined into one text (one segment).
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({
      to: resident,
      from: COUNCIL_NUMBER,
      body: 'Hello from Demoford Council.\nYou said: When is my bin day?',
      numSegments: 1,
    });
    expect(sent[0]?.statusCallback).toBe('https://sms.demoford.example/api/sms/twilio/status');
    expect(h.seen.map((s) => s.type)).toEqual(['conversationUpdate', 'message']);
    // The conversation id is derived from the number but is not the number.
    expect(h.seen[0]?.conversationId).toMatch(/^sms-[\w-]{27}$/);
    expect(h.seen[0]?.conversationId).not.toContain('7700900');

    await h.sms(resident, 'thanks');
    await h.fake.waitForSent(2);
    expect(h.fake.sent[1]?.body).toBe('You said: thanks');
    // Sids, segment counts and conversation ids are logged; numbers and words never.
    const logs = h.logLines.join('\n');
    expect(logs).toContain('"segments":1');
    expect(logs).not.toMatch(/7700 ?900|bin day|thanks/);
  });

  it('treats 07700 900001 and +447700900001 as one conversation', async () => {
    await h.sms('07700 900001', 'one');
    await h.sms('+447700900001', 'two');
    expect(new Set(h.seen.map((s) => s.conversationId)).size).toBe(1);
    expect(h.seen.filter((s) => s.type === 'conversationUpdate')).toHaveLength(1);
  });

  it('refuses unsigned and wrongly signed requests with 403, no reply and no body in the logs', async () => {
    const params = inboundParams(residentNumber(2), 'my secret words', { MessageSid: messageSid() });
    expect((await h.post(PATH, params)).status).toBe(403);
    expect((await h.post(PATH, params, 'bm90IGEgc2lnbmF0dXJl')).status).toBe(403);
    // Signed for another URL, or with the body changed after signing.
    expect((await h.post(PATH, params, sign('/somewhere/else', params))).status).toBe(403);
    expect((await h.post(PATH, { ...params, Body: 'changed' }, sign(PATH, params))).status).toBe(403);
    await new Promise((r) => setTimeout(r, 50));
    expect(h.fake.sent).toHaveLength(0);
    expect(h.seen).toHaveLength(0);
    const logs = h.logLines.join('\n');
    expect(logs).toContain('Twilio webhook refused');
    expect(logs).not.toContain('secret words');
    expect(logs).not.toContain('7700900');
  });

  it('processes the same MessageSid once however often Twilio retries it', async () => {
    const params = inboundParams(residentNumber(3), 'hello', { MessageSid: messageSid() });
    const signature = sign(PATH, params);
    const answers = await Promise.all([
      h.post(PATH, params, signature),
      h.post(PATH, params, signature),
      h.post(PATH, params, signature),
    ]);
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200]);
    await h.fake.waitForSent(1);
    await new Promise((r) => setTimeout(r, 100));
    expect(h.fake.sent).toHaveLength(1);
    expect(h.seen.filter((s) => s.type === 'message')).toHaveLength(1);
  });

  it('refuses a message to a number that is not the council’s', async () => {
    const params = inboundParams(residentNumber(4), 'hello', { MessageSid: messageSid(), To: '+441632960999' });
    expect((await h.post(PATH, params, sign(PATH, params))).status).toBe(403);
    expect(h.seen).toHaveLength(0);
    expect(h.logLines.join('\n')).toContain('unknown To number');
  });

  it('refuses an oversized body with 413', async () => {
    const params = inboundParams(residentNumber(5), 'x'.repeat(20_000), { MessageSid: messageSid() });
    const response = await h.post(PATH, params, sign(PATH, params));
    expect(response.status).toBe(413);
    expect(h.seen).toHaveLength(0);
  });

  it('greets again after a long silence instead of resuming without saying so', async () => {
    let clock = Date.UTC(2026, 0, 5, 9);
    await h.close();
    h = await startHarness({ adapter: { now: () => clock, greetAfterSilenceMs: 12 * 3_600_000 } });
    const resident = residentNumber(6);
    await h.sms(resident, 'first');
    clock += 3_600_000;
    await h.sms(resident, 'an hour later');
    clock += 13 * 3_600_000;
    await h.sms(resident, 'the next day');
    expect(h.seen.map((s) => s.type)).toEqual([
      'conversationUpdate',
      'message',
      'message',
      'conversationUpdate',
      'message',
    ]);
  });

  it('turns a numbered reply into the choice it stands for', async () => {
    await h.close();
    const seen: string[] = [];
    h = await startHarness({
      logic: async (context) => {
        if (context.activity.type !== 'message') return;
        seen.push(context.activity.text ?? '');
        await context.sendActivity({
          type: 'message',
          text: 'What do you need?',
          suggestedActions: {
            to: [],
            actions: [
              { type: 'imBack', title: 'Bin day', value: 'Bin collection day' },
              { type: 'imBack', title: 'Council tax', value: 'Council tax' },
            ],
          },
        });
      },
    });
    await h.sms(residentNumber(7), 'hi');
    await h.sms(residentNumber(7), '2');
    await h.sms(residentNumber(7), '9');
    expect(seen).toEqual(['hi', 'Council tax', '9']);
    expect(h.fake.sent[0]?.body).toBe('What do you need?\n1. Bin day\n2. Council tax');
  });

  it('records delivery status callbacks, only moving forward', async () => {
    await h.sms(residentNumber(8), 'hello');
    const [message] = await h.fake.waitForSent(1);
    const sid = message?.sid ?? '';
    const callback = (status: string, extra: Record<string, string> = {}) => {
      const params = { MessageSid: sid, MessageStatus: status, SmsSid: sid, SmsStatus: status, ...extra };
      return h.post('/api/sms/twilio/status', params, sign('/api/sms/twilio/status', params));
    };
    expect((await callback('sent')).status).toBe(204);
    expect((await callback('delivered')).status).toBe(204);
    expect((await callback('sent')).status).toBe(204);
    const store = await import('../../adapters/twilio/smsStore.js');
    const status = await new store.SmsStore(h.database.db).outboundStatus(sid);
    expect(status).toMatchObject({ status: 'delivered', segments: 1 });
    const unsigned = await h.post('/api/sms/twilio/status', { MessageSid: sid, MessageStatus: 'failed' });
    expect(unsigned.status).toBe(403);
  });
});
