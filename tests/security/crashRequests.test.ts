/**
 * The three requests that used to stop the whole process (web, SMS and agent console at once)
 * each get a 4xx from a real server, which then goes on answering. They are sent over a raw
 * socket exactly as an attacker would: fetch cannot send a malformed request line.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { rawRequest, upgradeHeaders } from '../helpers/rawHttp.js';

let assistant: TestAssistant;
let host: string;

beforeAll(async () => {
  assistant = await startTestAssistant({ LOG_LEVEL: 'warn' });
  host = `127.0.0.1:${assistant.port}`;
});
afterAll(async () => {
  await assistant?.close();
});

async function stillServing(): Promise<void> {
  const health = await fetch(`${assistant.url}/healthz`);
  expect(health.status).toBe(200);
}

describe('requests that used to stop the process', () => {
  it('a stream upgrade with malformed percent-encoding in the conversation id gets 400', async () => {
    const answer = await rawRequest(
      assistant.port,
      `GET /v3/directline/conversations/%E0%A4%A/stream?t=x HTTP/1.1\r\n${upgradeHeaders(host)}`,
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('BadArgument');
    await stillServing();
  });

  it('an upgrade whose request line is an invalid absolute URL gets 400', async () => {
    for (const target of [
      'http://[/agent/api/socket',
      'http://[/v3/directline/conversations/x/stream',
      'http://[/elsewhere',
    ]) {
      const answer = await rawRequest(assistant.port, `GET ${target} HTTP/1.1\r\n${upgradeHeaders(host)}`);
      expect(answer.status, target).toBe(400);
    }
    await stillServing();
  });

  it('an agent socket upgrade with a malformed session cookie gets 401', async () => {
    const answer = await rawRequest(
      assistant.port,
      `GET /agent/api/socket HTTP/1.1\r\n${upgradeHeaders(host, ['Cookie: agent_session=%E0%A4%A'])}`,
    );
    expect(answer.status).toBe(401);
    await stillServing();
  });

  it('the agent API with a malformed session cookie gets 401, not 500', async () => {
    const response = await fetch(`${assistant.url}/agent/api/session`, {
      headers: { Cookie: 'agent_session=%E0%A4%A' },
    });
    expect(response.status).toBe(401);
  });

  it('an upgrade to a path nobody serves is refused and closed, not left open', async () => {
    const answer = await rawRequest(assistant.port, `GET /nothing-here HTTP/1.1\r\n${upgradeHeaders(host)}`);
    expect(answer.status).toBe(404);
    await stillServing();
  });

  it('a client that resets its upgrade while it is being checked does not stop the process', async () => {
    const { connect } = await import('node:net');
    for (let i = 0; i < 20; i++) {
      const socket = connect(assistant.port, '127.0.0.1');
      await new Promise((resolve) => socket.once('connect', resolve));
      socket.write(`GET /agent/api/socket HTTP/1.1\r\n${upgradeHeaders(host, ['Cookie: agent_session=abc'])}`);
      socket.resetAndDestroy();
    }
    await stillServing();
  });
});
