/**
 * The sprays a live probe found, each against the real assistant: 300 tokens in a few seconds,
 * council tax account checks from one client across fresh conversations, permit references
 * guessed with a public postcode, and a flood of fake "homeless tonight" requests. Each is
 * stopped, counted in /metrics, and none locks out a real resident elsewhere. Clients are told
 * apart by X-Forwarded-For, as behind the council's proxy (TRUST_PROXY=1).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { MONDAY_10AM } from '../handoff/harness.js';

let assistant: TestAssistant;

beforeAll(async () => {
  assistant = await startTestAssistant(
    {
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '1',
      // Generous starts, so the tests below reach the limits they are about.
      LIMIT_CONVERSATIONS_PER_CLIENT_PER_MINUTE: '1000',
      LIMIT_CONVERSATIONS_PER_MINUTE: '10000',
      LIMIT_TOKENS_PER_MINUTE: '10000',
      LIMIT_TOKENS_PER_CLIENT_PER_MINUTE: '1000',
      // The defaults of .env.example, which these tests are about.
      LIMIT_LOOKUPS_PER_CLIENT_PER_HOUR: '20',
      LIMIT_LOOKUPS_PER_MINUTE: '120',
      LIMIT_HANDOFFS_PER_CLIENT_PER_HOUR: '5',
      LIMIT_HANDOFFS_PER_MINUTE: '30',
    },
    undefined,
    () => new Date(MONDAY_10AM),
  );
});
afterAll(async () => {
  await assistant?.close();
});

/** A Web Chat resident at `address`, talking over REST the way Web Chat polls. */
async function residentAt(address: string) {
  const headers = { 'X-Forwarded-For': address };
  const minted = await fetch(`${assistant.url}/demo/token`, { method: 'POST', headers });
  expect(minted.status).toBe(200);
  const { token } = (await minted.json()) as { token: string };
  const auth = { ...headers, Authorization: `Bearer ${token}` };
  const started = await fetch(`${assistant.url}/v3/directline/conversations`, { method: 'POST', headers: auth });
  expect(started.status).toBe(201);
  const { conversationId } = (await started.json()) as { conversationId: string };
  let watermark: string | undefined;
  const base = `${assistant.url}/v3/directline/conversations/${conversationId}/activities`;
  const read = async () => {
    const page = (await (
      await fetch(`${base}${watermark ? `?watermark=${watermark}` : ''}`, { headers: auth })
    ).json()) as {
      activities: { from?: { role?: string }; text?: string; type?: string }[];
      watermark?: string;
    };
    watermark = page.watermark ?? watermark;
    return page.activities.filter((a) => a.type === 'message' && a.from?.role !== 'user').map((a) => a.text ?? '');
  };
  await read();
  return {
    async say(text: string): Promise<string> {
      const posted = await fetch(base, {
        method: 'POST',
        headers: { ...auth, 'Content-Type': 'application/json' },
        body: JSON.stringify({ type: 'message', text }),
      });
      expect(posted.status).toBe(200);
      return (await read()).join('\n');
    },
  };
}

async function metric(name: string, labels: string): Promise<number> {
  const text = await (await fetch(`${assistant.url}/metrics`)).text();
  const line = text
    .split('\n')
    .find((l) => l.startsWith(`${name}{`) && labels.split(',').every((label) => l.includes(label)));
  return line ? Number(line.split(' ').at(-1)) : 0;
}

describe('token minting', () => {
  it('gives one client 20 tokens a minute, not 300; another client is unaffected', async () => {
    const quick = await startTestAssistant({
      LOG_LEVEL: 'warn',
      TRUST_PROXY: '1',
      LIMIT_TOKENS_PER_CLIENT_PER_MINUTE: '20',
      LIMIT_TOKENS_PER_MINUTE: '600',
    });
    try {
      const statuses: number[] = [];
      for (let batch = 0; batch < 10; batch++) {
        const answers = await Promise.all(
          Array.from({ length: 30 }, () =>
            fetch(`${quick.url}/demo/token`, { method: 'POST', headers: { 'X-Forwarded-For': '203.0.113.7' } }),
          ),
        );
        for (const answer of answers) {
          statuses.push(answer.status);
          if (answer.status === 429) expect(Number(answer.headers.get('retry-after'))).toBeGreaterThan(0);
          await answer.arrayBuffer();
        }
      }
      expect(statuses.filter((s) => s === 200)).toHaveLength(20);
      expect(statuses.filter((s) => s === 429)).toHaveLength(280);
      const other = await fetch(`${quick.url}/demo/token`, {
        method: 'POST',
        headers: { 'X-Forwarded-For': '198.51.100.20' },
      });
      expect(other.status).toBe(200);
      const text = await (await fetch(`${quick.url}/metrics`)).text();
      expect(text).toMatch(/assistant_rate_limited_total\{limit="tokens",scope="client"\} 280/);
    } finally {
      await quick.close();
    }
  });

  it('without TRUST_PROXY, X-Forwarded-For is ignored: a sprayer cannot pose as many clients', async () => {
    const direct = await startTestAssistant({ LOG_LEVEL: 'warn', LIMIT_TOKENS_PER_CLIENT_PER_MINUTE: '3' });
    try {
      const statuses = [];
      for (let i = 0; i < 6; i++) {
        statuses.push(
          (await fetch(`${direct.url}/demo/token`, { method: 'POST', headers: { 'X-Forwarded-For': `192.0.2.${i}` } }))
            .status,
        );
      }
      expect(statuses).toEqual([200, 200, 200, 429, 429, 429]);
    } finally {
      await direct.close();
    }
  });
});

describe('council tax account checks', () => {
  it('stops one client spraying account numbers across fresh conversations, and the resident still gets in', async () => {
    const sprayer = '203.0.113.50';
    const replies: string[] = [];
    for (let i = 0; i < 8; i++) {
      const r = await residentAt(sprayer);
      await r.say('how much council tax do I owe');
      replies.push(await r.say(`5000${String(1000 + i)} DF2 4QT`));
    }
    expect(replies.filter((reply) => /can't check account details again/.test(reply)).length).toBeGreaterThan(0);
    // A fresh conversation from the same client, now with the right pair: still refused.
    const again = await residentAt(sprayer);
    await again.say('how much council tax do I owe');
    const refused = await again.say('50001234 DF1 1AA');
    expect(refused).toMatch(/can't check account details again/);
    expect(refused).not.toMatch(/ending \**1234/);
    expect(refused).toMatch(/call us on/i);
    // The account holder, elsewhere, is not locked out.
    const owner = await residentAt('198.51.100.77');
    await owner.say('how much council tax do I owe');
    expect(await owner.say('50001234 DF1 1AA')).toMatch(/ending \**1234/);
  });
});

describe('permit lookups by reference', () => {
  it('stops one client guessing references, politely and with the phone number', async () => {
    const guesser = '203.0.113.90';
    const r = await residentAt(guesser);
    const answers: string[] = [];
    for (let i = 0; i < 24; i++) {
      await r.say(`cancel my tip permit TP-${String(100000 + i * 7919).slice(0, 6)}`);
      answers.push(await r.say('DF1 1AA'));
    }
    const limited = answers.filter((a) => /can't look up any more permits/.test(a));
    expect(limited.length).toBeGreaterThanOrEqual(4);
    expect(limited[0]).toMatch(/call us on/i);
    expect(await metric('assistant_rate_limited_total', 'limit="lookups",scope="client"')).toBeGreaterThan(0);
  });

  it('stops guessing one reference from many clients after a few wrong postcodes', async () => {
    const answers: string[] = [];
    for (let i = 0; i < 7; i++) {
      const r = await residentAt(`198.18.0.${i + 1}`);
      await r.say('cancel my tip permit TP-424242');
      answers.push(await r.say(`DF${i + 1} 1AA`));
    }
    expect(answers.slice(0, 5).every((a) => !/can't look up any more permits/.test(a))).toBe(true);
    expect(answers.slice(5).every((a) => /can't look up any more permits/.test(a))).toBe(true);
  });
});

describe('the handoff queue', () => {
  it('does not let one client fill the queue with urgent requests; a real resident keeps their place', async () => {
    const flooder = '203.0.113.200';
    const replies = await Promise.all(
      Array.from({ length: 30 }, async () => {
        const r = await residentAt(flooder);
        return r.say("I'm going to be homeless tonight");
      }),
    );
    const queued = replies.filter((reply) => /number \d+ in the queue/.test(reply));
    const refused = replies.filter((reply) => /can't add you to the queue/.test(reply));
    expect(queued).toHaveLength(5);
    expect(refused).toHaveLength(25);
    // Urgent refusals still lead with the emergency contacts.
    for (const reply of refused) expect(reply).toMatch(/999.*116 123/s);
    const real = await residentAt('198.51.100.5');
    expect(await real.say("I'm going to be homeless tonight")).toMatch(/number [1-6] in the queue/);
    expect(await metric('assistant_rate_limited_total', 'limit="handoffs",scope="client"')).toBe(25);
  });
});
