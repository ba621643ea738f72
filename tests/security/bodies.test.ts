/**
 * What a client sends is read only as far as the route needs: /api/messages takes one JSON
 * activity and nothing else (a multipart upload writes no temp file, whether refused for lack
 * of Azure credentials or for its type), and JSON nested deeper than 400 levels gets a 400
 * everywhere, with no error-level log line and no stack.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { openConversation } from '../helpers/directLineRest.js';

let locked: TestAssistant;
let open: TestAssistant;

beforeAll(async () => {
  [locked, open] = await Promise.all([
    startTestAssistant({ LOG_LEVEL: 'info' }),
    startTestAssistant({ ALLOW_UNAUTHENTICATED_BOT_FRAMEWORK: 'true', LOG_LEVEL: 'info' }),
  ]);
});
afterAll(async () => {
  await Promise.all([locked?.close(), open?.close()]);
});

/** Files in the temp folder changed since `since` whose contents hold `marker`. */
async function tempFilesHolding(marker: string, since: number): Promise<string[]> {
  const found: string[] = [];
  for (const name of await readdir(tmpdir())) {
    const path = join(tmpdir(), name);
    const info = await stat(path).catch(() => undefined);
    if (!info?.isFile() || info.mtimeMs < since || info.size > 5_000_000) continue;
    const contents = await readFile(path, 'latin1').catch(() => '');
    if (contents.includes(marker)) found.push(path);
  }
  return found;
}

function multipart(marker: string): { body: string; type: string } {
  const boundary = '----council-assistant-test';
  const part = `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n${marker}${'x'.repeat(40_000)}\r\n--${boundary}--\r\n`;
  return { body: part, type: `multipart/form-data; boundary=${boundary}` };
}

const deepJson = (depth: number) => `${'['.repeat(depth)}${']'.repeat(depth)}`;

describe('/api/messages bodies', () => {
  it('a multipart upload writes nothing to the temp folder, with or without Azure credentials', async () => {
    const since = Date.now() - 1000;
    for (const [assistant, expected] of [
      [locked, 401],
      [open, 415],
    ] as const) {
      const marker = `MULTIPART-MARKER-${Math.random().toString(36).slice(2)}`;
      const { body, type } = multipart(marker);
      const response = await fetch(`${assistant.url}/api/messages`, {
        method: 'POST',
        headers: { 'Content-Type': type },
        body,
      });
      expect(response.status).toBe(expected);
      expect(await tempFilesHolding(marker, since)).toEqual([]);
    }
  });

  it('JSON nested deeper than 400 levels gets 400', async () => {
    const response = await fetch(`${open.url}/api/messages`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{"type":"message","text":"hi","channelData":${deepJson(5000)}}`,
    });
    expect(response.status).toBe(400);
    expect(await response.text()).toContain('nests deeper');
  });
});

describe('deeply nested JSON elsewhere', () => {
  it('a Web Chat activity nested 5,000 deep gets 400 TooDeep and no error in the log', async () => {
    const conversation = await openConversation(open.url);
    const before = open.logLines.length;
    const body = `{"type":"message","text":"hi","channelData":{"x":${deepJson(5000)}}}`;
    const response = await fetch(`${open.url}/v3/directline/conversations/${conversation.conversationId}/activities`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${conversation.token}`, 'Content-Type': 'application/json' },
      body,
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: { code: string } }).error.code).toBe('TooDeep');
    const errors = open.logLines.slice(before).filter((line) => (JSON.parse(line) as { level: number }).level >= 50);
    expect(errors).toEqual([]);
    // Nesting up to the cap is still an ordinary message.
    expect(await conversation.say('hello')).not.toHaveLength(0);
  });

  it('the agent API refuses a deeply nested body with 400', async () => {
    const response = await fetch(`${open.url}/agent/api/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: `{"username":"someone","password":"guess","x":${deepJson(5000)}}`,
    });
    expect(response.status).toBe(400);
  });
});
