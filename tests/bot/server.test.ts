/** The operational surface a council's digital team relies on: health, readiness, metrics, start-up and shutdown. */
import { spawnSync, spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { openConversation } from '../helpers/directLineRest.js';
import { testDatabase } from '../helpers/databases.js';
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

  it('stops the start with the variable named, before listening', () => {
    const result = spawnSync(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
      env: { ...process.env, PORT: 'not-a-port' },
      encoding: 'utf8',
      // A bound on a hang, not a speed check: on a busy 2-core machine loading TypeScript alone
      // can take tens of seconds.
      timeout: 180_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/PORT: .*number/);
    expect(result.stderr).not.toMatch(/at .*\(/);
  }, 200_000);

  it('stops gracefully on SIGTERM', async () => {
    const db = (await testDatabase());
    const child = spawn(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
      env: { ...process.env, PORT: '0', STORAGE_URL: db.url, LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk) => (output += String(chunk)));
    await new Promise<void>((resolve, reject) => {
      // A bound on a start that hangs (see above), not a speed check.
      const timer = setTimeout(() => reject(new Error('no start')), 180_000);
      child.stdout.on('data', () => {
        if (output.includes('is listening')) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    child.kill('SIGTERM');
    const code = await new Promise((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(output).toMatch(/"msg":"stopped"/);
    await db.drop();
  }, 240_000);
});
