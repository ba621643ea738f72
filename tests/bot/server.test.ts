/**
 * The operational surface a council's digital team relies on: health, readiness, metrics and
 * configuration. Start-up and shutdown of the real process are in startAndStop.process.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { openConversation } from '../helpers/directLineRest.js';
import { loadConfig, ConfigError } from '../../bot/config.js';

let assistant: TestAssistant;
beforeAll(async () => {
  assistant = await startTestAssistant();
});
afterAll(async () => {
  await assistant?.close();
});

describe('health, readiness and metrics', () => {
  it('reports healthy and ready', async () => {
    expect((await fetch(`${assistant.url}/healthz`)).status).toBe(200);
    const ready = await fetch(`${assistant.url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('counts turns and intents in Prometheus text', async () => {
    const conversation = await openConversation(assistant.url);
    await conversation.say('thanks');
    const response = await fetch(`${assistant.url}/metrics`);
    expect(response.headers.get('content-type')).toMatch(/text\/plain/);
    const text = await response.text();
    expect(text).toMatch(/assistant_turns_total\{channel="directline",type="message"\} [1-9]/);
    expect(text).toMatch(/assistant_turn_duration_seconds_bucket/);
    expect(text).toMatch(/assistant_intents_total\{intent="smalltalk.thanks"\} [1-9]/);
  });

  it('answers an unknown path with 404 and no stack trace', async () => {
    const response = await fetch(`${assistant.url}/nope`);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toMatch(/node_modules|at \w+ \(/);
  });
});

describe('configuration', () => {
  it('listens only on the address HOST names', async () => {
    // 127.0.0.2 is loopback too on Linux, but a different address from 127.0.0.1.
    const bound = await startTestAssistant({ HOST: '127.0.0.2' });
    try {
      expect(bound.url).toBe(`http://127.0.0.2:${bound.port}`);
      expect((await fetch(`${bound.url}/healthz`)).status).toBe(200);
      await expect(fetch(`http://127.0.0.1:${bound.port}/healthz`)).rejects.toThrow();
    } finally {
      await bound.close();
    }
    expect(loadConfig({}).HOST).toBe('0.0.0.0');
    expect(() => loadConfig({ HOST: 'every interface' })).toThrow(/HOST: must be an IP address/);
  });

  it('names every wrong variable', () => {
    expect(() => loadConfig({ PORT: 'abc', STORAGE_URL: 'mysql://x', LOG_LEVEL: 'loud' })).toThrow(ConfigError);
    try {
      loadConfig({ PORT: 'abc', STORAGE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
    } catch (error) {
      const message = (error as Error).message;
      expect(message).toMatch(/PORT/);
      expect(message).toMatch(/STORAGE_URL/);
      expect(message).toMatch(/LOG_LEVEL/);
    }
    expect(() => loadConfig({ TWILIO_ACCOUNT_SID: `AC${'a'.repeat(32)}` })).toThrow(/set all three or none/);
  });
});
