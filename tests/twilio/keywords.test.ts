import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActivityTypes, TurnContext, type ConversationReference } from 'botbuilder';
import { SmsOptedOutError } from '../../adapters/twilio/twilioSmsAdapter.js';
import { residentNumber, startHarness, type Harness } from './harness.js';

describe('SMS keywords', () => {
  let h: Harness;
  const references = new Map<string, Partial<ConversationReference>>();
  beforeEach(async () => {
    h = await startHarness({
      logic: async (context) => {
        const { activity } = context;
        references.set(activity.conversation.id, TurnContext.getConversationReference(activity));
        h.seen.push({ type: activity.type, text: activity.text, conversationId: activity.conversation.id });
        if (activity.type === ActivityTypes.Message) await context.sendActivity(`Bot: ${activity.text}`);
      },
    });
  });
  afterEach(async () => {
    await h.close();
  });

  const bodies = (to: string) => h.fake.sentTo(to).map((m) => m.body);

  it('STOP confirms once, then nothing more is sent (even proactively), and it survives a restart; START resumes', async () => {
    const resident = residentNumber(10);
    await h.sms(resident, 'hello');
    await h.sms(resident, 'stop');
    expect(bodies(resident)).toHaveLength(2);
    expect(bodies(resident)[1]).toContain('you will not get any more texts from us');
    expect(bodies(resident)[1]).toContain('01632 960000');
    const botMessages = h.seen.filter((s) => s.type === 'message').length;

    await h.sms(resident, 'bin day?');
    expect(h.seen.filter((s) => s.type === 'message')).toHaveLength(botMessages);

    const conversationId = h.seen[0]?.conversationId ?? '';
    const reference = references.get(conversationId) ?? {};
    await expect(
      h.adapter.continueConversation(reference, async (context) => {
        await context.sendActivity('An agent replied');
      }),
    ).rejects.toThrow(SmsOptedOutError);

    await h.restart();
    await h.sms(resident, 'are you there?');
    await expect(
      h.adapter.continueConversation(reference, async (context) => {
        await context.sendActivity('Your permit is confirmed');
      }),
    ).rejects.toThrow(SmsOptedOutError);
    await new Promise((r) => setTimeout(r, 50));
    expect(bodies(resident)).toHaveLength(2);

    await h.sms(resident, 'START');
    expect(bodies(resident)[2]).toContain('texts are back on');
    await h.sms(resident, 'bin day?');
    expect(bodies(resident)[3]).toBe('Bot: bin day?');
    await h.adapter.continueConversation(reference, async (context) => {
      await context.sendActivity('Your permit is confirmed');
    });
    expect(bodies(resident)[4]).toBe('Your permit is confirmed');
  });

  it('every opt-out word works whole-message and in any case; "stop the bin" goes to the bot', async () => {
    for (const [i, word] of ['STOP', 'stopall', 'Unsubscribe', 'CANCEL', 'end', 'Quit.'].entries()) {
      const resident = residentNumber(20 + i);
      await h.sms(resident, word);
      expect(bodies(resident)[0], word).toContain('you will not get any more texts');
    }
    await h.sms(residentNumber(30), 'stop the bin collection');
    expect(bodies(residentNumber(30))[0]).toBe('Bot: stop the bin collection');
  });

  it('YES resumes only a number that has opted out; otherwise it is an answer for the bot', async () => {
    await h.sms(residentNumber(31), 'yes');
    expect(bodies(residentNumber(31))[0]).toBe('Bot: yes');
    await h.sms(residentNumber(32), 'STOP');
    await h.sms(residentNumber(32), 'Yes');
    expect(bodies(residentNumber(32))[1]).toContain('texts are back on');
  });

  it('HELP and MENU reach the bot as ordinary messages', async () => {
    await h.sms(residentNumber(33), 'HELP');
    await h.sms(residentNumber(33), 'menu');
    await h.sms(residentNumber(33), 'RESTART');
    expect(h.seen.filter((s) => s.type === 'message').map((s) => s.text)).toEqual(['HELP', 'menu', 'RESTART']);
    expect(bodies(residentNumber(33))).toEqual(['Bot: HELP', 'Bot: menu', 'Bot: RESTART']);
  });

  it('a number over the rate limit gets one "slow down", then silence until the window passes; STOP still works', async () => {
    await h.close();
    let clock = Date.UTC(2026, 0, 5, 9);
    h = await startHarness({ adapter: { rateLimit: 3, rateLimitWindowMs: 60_000, now: () => clock } });
    const resident = residentNumber(34);
    for (let i = 1; i <= 6; i += 1) await h.sms(resident, `message ${i}`);
    expect(bodies(resident)).toEqual([
      'Hello from Demoford Council.\nYou said: message 1',
      'You said: message 2',
      'You said: message 3',
      expect.stringContaining('Please wait a minute'),
    ]);
    clock += 61_000;
    await h.sms(resident, 'message 7');
    expect(bodies(resident)[4]).toBe('You said: message 7');
    for (let i = 8; i <= 12; i += 1) await h.sms(resident, `message ${i}`);
    await h.sms(resident, 'STOP');
    expect(bodies(resident).at(-1)).toContain('you will not get any more texts');
  });
});
