/**
 * The assistant's own bubble never carries a resident's markdown (a quoted "[Pay now](…)"
 * stays text), and a client that stops sending halfway through a request body does not hold
 * its connection for minutes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { openConversation } from '../helpers/directLineRest.js';
import { rawRequest } from '../helpers/rawHttp.js';

let assistant: TestAssistant;

beforeAll(async () => {
  assistant = await startTestAssistant({ LOG_LEVEL: 'warn', REQUEST_TIMEOUT_SECONDS: '2' });
});
afterAll(async () => {
  await assistant?.close();
});

describe('quoting what a resident typed', () => {
  it('shows a markdown link typed as a postcode as text, not as a link', async () => {
    const conversation = await openConversation(assistant.url);
    const asked = (await conversation.say('when is my bin day')).join('\n');
    expect(asked.toLowerCase()).toContain('postcode');
    const reply = (await conversation.say('[Pay now](https://evil.example)')).join('\n');
    expect(reply).toContain('Pay now');
    expect(reply).not.toContain('[Pay now](https://evil.example)');
    expect(reply).not.toMatch(/(^|[^\\])\[Pay now(\\)?\]\(/);
  });
});

describe('slow clients', () => {
  it('closes a connection whose body stops arriving', async () => {
    const started = Date.now();
    const answer = await rawRequest(
      assistant.port,
      `POST /agent/api/login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n{"username":`,
      { timeoutMs: 60_000 },
    );
    // Closed (with or without a 408) long before the minute the test allows.
    expect(Date.now() - started).toBeLessThan(45_000);
    expect(answer.status === null || answer.status === 408).toBe(true);
  });
});
