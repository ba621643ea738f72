/**
 * An agent's console socket lives no longer than the session it opened with: after sign-out,
 * after the account is disabled, it is closed within a few seconds, and stops receiving
 * residents' messages, instead of listening on until the 8-hour expiry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { AgentClient } from '../handoff/harness.js';

const PASSWORD = 'correct horse battery staple';
let assistant: TestAssistant;

beforeAll(async () => {
  assistant = await startTestAssistant({ LOG_LEVEL: 'warn', DEMO_AGENT_PASSWORD: PASSWORD });
});
afterAll(async () => {
  await assistant?.close();
});

async function openConsoleSocket(agent: AgentClient): Promise<{ ws: WebSocket; closed: Promise<number> }> {
  const ws = new WebSocket(`ws://127.0.0.1:${assistant.port}/agent/api/socket`, {
    headers: { Cookie: agent.cookieHeader },
  });
  const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    ws.once('message', () => resolve());
    ws.once('error', reject);
  });
  return { ws, closed };
}

/** Resolves with the close code, or fails after a generous 30 s. */
function closedWithin(closed: Promise<number>): Promise<number> {
  return Promise.race([
    closed,
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error('socket still open')), 30_000)),
  ]);
}

describe("the agent console's socket", () => {
  it('is closed once the agent signs out', async () => {
    const agent = new AgentClient(assistant.url);
    expect((await agent.signIn('demo-agent', PASSWORD)).status).toBe(200);
    const { closed } = await openConsoleSocket(agent);
    expect((await agent.post('/logout')).status).toBe(200);
    expect(await closedWithin(closed)).toBe(4401);
  });

  it('is closed once the account is disabled, and a new one is refused', async () => {
    await assistant.handoff.accounts.add('temp-agent', PASSWORD, { displayName: 'Temp', replace: true });
    const agent = new AgentClient(assistant.url);
    expect((await agent.signIn('temp-agent', PASSWORD)).status).toBe(200);
    const { closed } = await openConsoleSocket(agent);
    await assistant.handoff.accounts.disable('temp-agent');
    expect(await closedWithin(closed)).toBe(4401);
    await expect(openConsoleSocket(agent)).rejects.toThrow(/401/);
  });

  it('stays open while the session is good', async () => {
    const agent = new AgentClient(assistant.url);
    expect((await agent.signIn('demo-agent', PASSWORD)).status).toBe(200);
    const { ws } = await openConsoleSocket(agent);
    // Longer than a re-check round: still open, and the session still answers.
    await new Promise((resolve) => setTimeout(resolve, 6_000));
    expect(ws.readyState).toBe(WebSocket.OPEN);
    ws.close();
  });
});
