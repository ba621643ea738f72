/**
 * Personal data never appears in the logs: residents' words, phone numbers, postcodes, names,
 * registrations and account numbers are redacted at every log level, including the request
 * log, errors and debug output.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { openConversation } from '../helpers/directLineRest.js';

const PERSONAL = [
  '07700 900123',
  '+447700900123',
  'DF1 1AA',
  'Priya Sharma',
  'AB12 CDE',
  '50001234',
  'priya@example.com',
  'Mill Lane',
];

let assistant: TestAssistant;

beforeAll(async () => {
  assistant = await startTestAssistant({ LOG_LEVEL: 'trace' });
});
afterAll(async () => {
  await assistant?.close();
});

describe('logs', () => {
  it('contain no personal data from a conversation full of it', async () => {
    const conversation = await openConversation(assistant.url);
    await conversation.say('Hi my name is Priya Sharma, call me on 07700 900123 or +447700900123');
    await conversation.say('bin day for 1 High Street DF1 1AA please, my van is AB12 CDE');
    await conversation.say('council tax account 50001234, email priya@example.com, 22 Mill Lane');
    // A request that fails validation is logged too; its body must not be.
    await fetch(`${assistant.url}/v3/directline/conversations/${conversation.conversationId}/activities`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${conversation.token}`, 'Content-Type': 'application/json' },
      body: '{"type":"message","text":"Priya Sharma DF1 1AA"',
    });

    expect(assistant.logLines.length).toBeGreaterThan(5);
    const logs = assistant.logLines.join('\n');
    for (const item of PERSONAL) expect(logs).not.toContain(item);
    expect(logs).not.toMatch(/07700\s?900123/);
    // The token used in the Authorization header never reaches the logs either.
    expect(logs).not.toContain(conversation.token);
  });
});

describe('request and handoff log lines', () => {
  it('carry no headers, cookies, CSRF tokens, user agents or client addresses', async () => {
    const csrf = 'csrf-token-that-must-not-be-logged-123';
    const cookie = 'agent_session=session-cookie-that-must-not-be-logged';
    await fetch(`${assistant.url}/agent/api/handoffs/nothing/accept`, {
      method: 'POST',
      headers: {
        'X-CSRF-Token': csrf,
        Cookie: cookie,
        'User-Agent': 'ResidentsBrowser/9.9 (unique-agent-string)',
        'Content-Type': 'application/json',
      },
      body: '{}',
    });
    await fetch(`${assistant.url}/v3/directline/conversations`, {
      method: 'POST',
      headers: { 'User-Agent': 'ResidentsBrowser/9.9 (unique-agent-string)' },
    });
    const logs = assistant.logLines.join('\n');
    expect(logs).toContain('"url":"/agent/api/handoffs/nothing/accept"');
    for (const secret of [csrf, 'session-cookie-that-must-not-be-logged', 'unique-agent-string', '127.0.0.1'])
      expect(logs).not.toContain(secret);
    expect(logs).not.toMatch(/"headers":/);
    expect(logs).not.toMatch(/"remoteAddress":"[^[]/);
  });

  it('say only that a handoff is urgent, never its safeguarding topic', async () => {
    const conversation = await openConversation(assistant.url);
    await conversation.say("I'm going to be homeless tonight");
    const lines = assistant.logLines.filter((line) => line.includes('handoff'));
    expect(lines.join('\n')).not.toMatch(/homeless|self_harm|abuse|"topic"|"reason"/);
    // Queued, or (out of hours) offered a callback: either way no topic.
    const queued = lines.filter((line) => line.includes('handoff queued'));
    for (const line of queued) expect(JSON.parse(line)).toMatchObject({ urgent: true });
  });
});
