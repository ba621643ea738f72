/**
 * The agent API's doors: no session, no answer (401), whatever a resident holds; no CSRF token
 * or a foreign Origin, no change (403); passwords stored as scrypt hashes; an audit of who saw
 * which conversation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { AgentClient, startHandoffCouncil, type HandoffCouncil } from './harness.js';

let council: HandoffCouncil;

beforeAll(async () => {
  council = await startHandoffCouncil();
  await council.handoff.accounts.add('eve', 'a long enough password', { displayName: 'Eve' });
});
afterAll(async () => {
  await council?.stop();
  await council?.fakeTwilio.close();
});

const ID = '00000000-0000-4000-8000-000000000000';
const AGENT_APIS: [string, string][] = [
  ['GET', '/agent/api/session'],
  ['GET', '/agent/api/queue'],
  ['GET', '/agent/api/agents'],
  ['GET', `/agent/api/handoffs/${ID}`],
  ['POST', '/agent/api/logout'],
  ['POST', `/agent/api/handoffs/${ID}/accept`],
  ['POST', `/agent/api/handoffs/${ID}/messages`],
  ['POST', `/agent/api/handoffs/${ID}/notes`],
  ['POST', `/agent/api/handoffs/${ID}/end`],
  ['POST', `/agent/api/handoffs/${ID}/transfer`],
];

function socketStatus(url: string, headers: Record<string, string> = {}): Promise<number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(url.replace('http', 'ws') + '/agent/api/socket', { headers });
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('open', () => {
      ws.close();
      resolve(101);
    });
    ws.on('error', () => undefined);
  });
}

describe('agent API', () => {
  it.each(AGENT_APIS)('%s %s without a session gets 401', async (method, path) => {
    const response = await fetch(council.url + path, {
      method,
      headers: { 'Content-Type': 'application/json' },
      ...(method === 'POST' ? { body: '{}' } : {}),
    });
    expect(response.status).toBe(401);
  });

  it("a resident's Direct Line token opens no agent API", async () => {
    const resident = await council.web();
    for (const [method, path] of AGENT_APIS) {
      const response = await fetch(council.url + path, {
        method,
        headers: { Authorization: `Bearer ${resident.token}`, 'Content-Type': 'application/json' },
        ...(method === 'POST' ? { body: '{}' } : {}),
      });
      expect(response.status, `${method} ${path}`).toBe(401);
    }
  });

  it('refuses the WebSocket without a session and accepts it with one', async () => {
    expect(await socketStatus(council.url)).toBe(401);
    const agent = new AgentClient(council.url);
    const login = await agent.signIn('eve', 'a long enough password');
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    expect(await socketStatus(council.url, { Cookie: cookie })).toBe(101);
    expect(await socketStatus(council.url, { Cookie: cookie, Origin: 'https://evil.example' })).toBe(403);
  });

  it('needs the CSRF token and a same-origin request for every change', async () => {
    const agent = new AgentClient(council.url);
    const login = await agent.signIn('eve', 'a long enough password');
    expect(login.headers.get('set-cookie')).toMatch(/HttpOnly/);
    expect(login.headers.get('set-cookie')).toMatch(/SameSite=Strict/);
    expect(login.headers.get('set-cookie')).toMatch(/Path=\/agent/);
    const resident = await council.web();
    await resident.say('can I speak to a person');
    const id = (await council.handoff.service.queue.waiting())[0]?.id ?? '';
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const noToken = await fetch(`${council.url}/agent/api/handoffs/${id}/accept`, {
      method: 'POST',
      headers: { Cookie: cookie, 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(noToken.status).toBe(403);
    const crossSite = await fetch(`${council.url}/agent/api/handoffs/${id}/accept`, {
      method: 'POST',
      headers: {
        Cookie: cookie,
        'Content-Type': 'application/json',
        'X-CSRF-Token': agent.csrf,
        Origin: 'https://evil.example',
      },
      body: '{}',
    });
    expect(crossSite.status).toBe(403);
    expect((await council.handoff.service.queue.get(id))?.status).toBe('queued');
    expect((await agent.post(`/handoffs/${id}/accept`)).status).toBe(200);
  });

  it('refuses a wrong password, stores only scrypt hashes, and ends sessions on sign-out', async () => {
    const wrong = new AgentClient(council.url);
    expect((await wrong.signIn('eve', 'not the password')).status).toBe(401);
    expect((await wrong.signIn('nobody', 'not the password')).status).toBe(401);
    const row = await council.database.db
      .selectFrom('agent_accounts')
      .select('password_hash')
      .where('username', '=', 'eve')
      .executeTakeFirstOrThrow();
    expect(row.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    expect(row.password_hash).not.toContain('a long enough password');

    const agent = new AgentClient(council.url);
    await agent.signIn('eve', 'a long enough password');
    expect((await agent.get('/queue')).status).toBe(200);
    expect((await agent.post('/logout')).status).toBe(200);
    expect((await agent.get('/queue')).status).toBe(401);
  });

  it('expires sessions', async () => {
    const agent = new AgentClient(council.url);
    await agent.signIn('eve', 'a long enough password');
    expect((await agent.get('/queue')).status).toBe(200);
    council.clock.now += 8 * 3_600_000 + 1;
    expect((await agent.get('/queue')).status).toBe(401);
    council.clock.now -= 8 * 3_600_000 + 1;
  });

  it('records which agent viewed and accepted which conversation', async () => {
    const agent = new AgentClient(council.url);
    await agent.signIn('eve', 'a long enough password');
    const resident = await council.web();
    await resident.say('can I speak to a person');
    const request = await council.handoff.service.queue.activeFor(resident.conversationId);
    await agent.get(`/handoffs/${request?.id}`);
    await agent.post(`/handoffs/${request?.id}/accept`);
    const eve = await council.handoff.accounts.byUsername('eve');
    const audit = await council.database.db
      .selectFrom('agent_audit')
      .selectAll()
      .where('conversation_id', '=', resident.conversationId)
      .orderBy('id')
      .execute();
    expect(audit.map((a) => [a.agent_id, a.action])).toEqual([
      [eve?.id, 'view'],
      [eve?.id, 'accept'],
    ]);
  });
});
