/** The whole assistant by text message: the same bot as the web, rendered for SMS. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCouncil, type TestCouncil } from '../helpers/residents.js';

let council: TestCouncil;
beforeAll(async () => {
  council = await startTestCouncil();
});
afterAll(async () => {
  await council?.close();
});

describe('texting the council', () => {
  it('greets a new texter and answers in plain text within two segments', async () => {
    const resident = council.smsResident();
    const replies = await resident.say('hello');
    expect(replies).toHaveLength(1);
    const [text] = replies;
    expect(text).toMatch(/Demoford Council/);
    expect(text).not.toMatch(/[*_`[\]]|https?:/);
    const sent = council.fakeTwilio.sent.filter((m) => m.body === text);
    expect(sent[0]?.numSegments).toBeLessThanOrEqual(2);
    // The outbox is on /metrics: everything sent, nothing waiting or given up.
    const metrics = await (await fetch(`${council.assistant.url}/metrics`)).text();
    expect(metrics).toMatch(/assistant_sms_outbox_texts\{state="sent"\} [1-9]/);
    expect(metrics).toMatch(/assistant_sms_outbox_texts\{state="queued"\} 0/);
    expect(metrics).toMatch(/assistant_sms_outbox_texts\{state="failed"\} 0/);
  });

  it('HELP gives short help with the phone number; MENU starts again', async () => {
    const resident = council.smsResident();
    await resident.say('hi');
    const help = await resident.say('HELP');
    expect(help.join(' ')).toMatch(/01632 960000/);
    const menu = await resident.say('MENU');
    expect(menu.join(' ')).toMatch(/starting again/i);
  });

  it('STOP is confirmed, then nothing more is sent until START', async () => {
    const resident = council.smsResident();
    await resident.say('hello');
    const stop = await resident.say('STOP');
    expect(stop).toHaveLength(1);
    expect(await resident.say('when is my bin day')).toEqual([]);
    const start = await resident.say('START');
    expect(start.length).toBeGreaterThan(0);
  });
});
