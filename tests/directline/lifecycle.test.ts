/** Keep-alive frames on the stream, and a graceful close: sockets closed, new requests 503. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { testDatabase, type TestDatabase } from '../helpers/databases.js';
import { call, eventually, startHarness, type Harness } from './harness.js';

let harness: Harness;
let temp: TestDatabase;

beforeAll(async () => {
  temp = await testDatabase();
  harness = await startHarness({ storageUrl: temp.url, overrides: { keepAliveMs: 100 } });
});

afterAll(async () => {
  await harness.close();
  await temp.drop();
});

describe('stream lifecycle', () => {
  it('sends empty keep-alive frames, then closes sockets and refuses requests on close()', async () => {
    const grant = await harness.adapter.issueToken();
    const started = await call(`${harness.domain}/conversations`, { method: 'POST', auth: grant.token });
    const { streamUrl } = (await started.json()) as { streamUrl: string };

    const socket = new WebSocket(streamUrl);
    const frames: string[] = [];
    let closeCode: number | undefined;
    socket.on('message', (data) => frames.push(String(data)));
    socket.on('close', (code) => {
      closeCode = code;
    });
    // Keep-alives are empty frames; the welcome comes as the first real frame (replayed when it
    // was stored before the socket opened, live when the start's turn is still running).
    await eventually(() => (frames.includes('') && frames.some((f) => f !== '') ? true : undefined));
    expect(JSON.parse(frames.find((f) => f !== '') ?? '{}')).toMatchObject({ watermark: '0' });

    await harness.adapter.close();
    await eventually(() => closeCode);
    expect(closeCode).toBe(1001);
    const refused = await call(`${harness.domain}/conversations/${grant.conversationId}/activities`, {
      auth: grant.token,
    });
    expect(refused.status).toBe(503);
  });
});
