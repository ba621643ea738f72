/**
 * Open-loop load over Direct Line: each resident sends its next message on a clock (every
 * `intervalMs`, the residents spread evenly over the interval), whether or not the last one was
 * answered, as real residents do. A turn's latency runs from the moment its message was due, so
 * a slow server is not hidden by the client waiting for it. Replies are read as Web Chat reads
 * them: by polling (REST) or from the conversation's stream (WebSocket).
 */
import { WebSocket } from 'ws';
import { SCRIPT, cpuMs, percentile, startConversation, type Balancer, type Conversation } from './directLine.js';

export type Transport = 'rest' | 'ws';

export interface OpenLoopOptions {
  residents: number;
  intervalMs: number;
  /** Measured seconds, after the warm-up. */
  seconds: number;
  warmUpSeconds: number;
  transport: Transport;
  /** A turn not answered within this is an error. */
  timeoutMs?: number;
}

export interface OpenLoopFigures {
  turns: number;
  errors: number;
  latenciesMs: number[];
  cpuMsPerTurn: number;
  statementsPerTurn: number;
  turnsPerSecond: number;
}

interface Activity {
  id?: string;
  type?: string;
  replyToId?: string;
  from?: { role?: string };
  channelData?: { clientActivityID?: string };
}

/** assistant_db_statements_total of one instance. */
export async function statementsSoFar(base: string): Promise<number> {
  const text = await (await fetch(`${base}/metrics`)).text();
  let total = 0;
  for (const match of text.matchAll(/^assistant_db_statements_total\{dialect="\w+"\} (\d+)/gm))
    total += Number(match[1]);
  return total;
}

interface Resident {
  /** Sends one message; resolves with its latency from `dueAt`, or undefined when it failed. */
  say(text: string, dueAt: number): Promise<number | undefined>;
  close(): void;
}

async function restResident(balancer: Balancer, timeoutMs: number): Promise<Resident> {
  const conversation = await startConversation(balancer);
  // One turn at a time on the client too: Web Chat posts in order and reads after each post.
  let previous: Promise<unknown> = Promise.resolve();
  const say = (text: string, dueAt: number) => {
    // A request that fails (a connection reset under load) is the turn's error, not the bench's end.
    const turn = previous.then(() => restTurn(balancer, conversation, text, dueAt, timeoutMs)).catch(() => undefined);
    previous = turn.catch(() => undefined);
    return turn;
  };
  return { say, close: () => undefined };
}

async function restTurn(
  balancer: Balancer,
  conversation: Conversation,
  text: string,
  dueAt: number,
  timeoutMs: number,
): Promise<number | undefined> {
  const posted = await fetch(`${balancer.base()}${conversation.path}`, {
    method: 'POST',
    headers: conversation.headers,
    body: JSON.stringify({ type: 'message', text, from: { id: 'r' } }),
  });
  if (!posted.ok) return undefined;
  const { id } = (await posted.json()) as { id: string };
  // The POST answers once the turn has run, so the first read has the reply.
  for (;;) {
    const read = await fetch(`${balancer.base()}${conversation.path}?watermark=${conversation.watermark}`, {
      headers: conversation.headers,
    });
    if (!read.ok) return undefined;
    const page = (await read.json()) as { activities: Activity[]; watermark?: string };
    conversation.watermark = page.watermark ?? conversation.watermark;
    if (page.activities.some((a) => a.type === 'message' && a.replyToId === id)) return performance.now() - dueAt;
    if (performance.now() - dueAt > timeoutMs) return undefined;
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function streamResident(balancer: Balancer, timeoutMs: number): Promise<Resident> {
  const base = balancer.base();
  const minted = (await (await fetch(`${base}/demo/token`, { method: 'POST' })).json()) as { token: string };
  const headers = { Authorization: `Bearer ${minted.token}`, 'Content-Type': 'application/json' };
  const started = await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers });
  if (!started.ok) throw new Error(`POST /v3/directline/conversations: ${started.status}`);
  const { conversationId, streamUrl } = (await started.json()) as { conversationId: string; streamUrl: string };
  const socket = new WebSocket(streamUrl);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));

  // clientActivityID -> when it was due; the echo gives the message's id, a reply to that id ends the turn.
  const due = new Map<string, { dueAt: number; done: (ms: number | undefined) => void }>();
  const byId = new Map<string, { dueAt: number; done: (ms: number | undefined) => void }>();
  socket.on('message', (data) => {
    const text = data.toString();
    if (!text) return; // keep-alive
    for (const activity of (JSON.parse(text) as { activities: Activity[] }).activities) {
      const clientId = activity.channelData?.clientActivityID;
      const waiting = clientId ? due.get(clientId) : undefined;
      if (waiting && activity.id) {
        due.delete(clientId ?? '');
        byId.set(activity.id, waiting);
      }
      const answered =
        activity.type === 'message' && activity.from?.role !== 'user' && activity.replyToId
          ? byId.get(activity.replyToId)
          : undefined;
      if (answered) {
        byId.delete(activity.replyToId ?? '');
        answered.done(performance.now() - answered.dueAt);
      }
    }
  });
  let sent = 0;
  let previous: Promise<unknown> = Promise.resolve();
  const say = (text: string, dueAt: number) => {
    const clientActivityID = `bench-${++sent}`;
    const turn = new Promise<number | undefined>((done) => {
      const timer = setTimeout(() => done(undefined), timeoutMs);
      due.set(clientActivityID, { dueAt, done: (ms) => (clearTimeout(timer), done(ms)) });
    });
    // Web Chat posts its messages in order, each after the last was accepted.
    previous = previous.then(async () => {
      const posted = await fetch(`${base}/v3/directline/conversations/${conversationId}/activities`, {
        method: 'POST',
        headers,
        body: JSON.stringify({ type: 'message', text, from: { id: 'r' }, channelData: { clientActivityID } }),
      }).catch(() => undefined);
      await posted?.arrayBuffer();
      if (!posted?.ok) due.get(clientActivityID)?.done(undefined);
    });
    return turn;
  };
  return { say, close: () => socket.close() };
}

/** Runs the load against one instance at `balancer`, whose process is `pid`. */
export async function openLoop(balancer: Balancer, pid: number, options: OpenLoopOptions): Promise<OpenLoopFigures> {
  const timeoutMs = options.timeoutMs ?? 10_000;
  const base = balancer.bases[0] ?? '';
  const make = options.transport === 'ws' ? streamResident : restResident;
  // Conversations start a few at a time, as residents arrive; the welcome turn is not measured.
  const residents: Resident[] = [];
  for (let i = 0; i < options.residents; i += 10) {
    residents.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(10, options.residents - i) }, () => make(balancer, timeoutMs)),
      )),
    );
  }

  const t0 = performance.now();
  const measureFrom = t0 + options.warmUpSeconds * 1000;
  const end = measureFrom + options.seconds * 1000;
  const latencies: number[] = [];
  let errors = 0;
  let turns = 0;
  const pending: Promise<void>[] = [];
  let before: { cpu: number; statements: number } | undefined;
  const snapshot = async () => ({ cpu: cpuMs(pid), statements: await statementsSoFar(base) });

  const schedule = (resident: Resident, index: number) =>
    new Promise<void>((finished) => {
      let next = t0 + (index / options.residents) * options.intervalMs;
      let said = 0;
      const tick = () => {
        const dueAt = next;
        if (dueAt >= end) return finished();
        const measured = dueAt >= measureFrom;
        const text = SCRIPT[said++ % SCRIPT.length] ?? 'hello';
        pending.push(
          resident.say(text, dueAt).then((ms) => {
            if (!measured) return;
            turns++;
            if (ms === undefined) errors++;
            else latencies.push(ms);
          }),
        );
        next += options.intervalMs;
        setTimeout(tick, Math.max(0, next - performance.now()));
      };
      setTimeout(tick, Math.max(0, next - performance.now()));
    });

  const warmedUp = new Promise<void>((resolve) =>
    setTimeout(
      () => void snapshot().then((s) => ((before = s), resolve())),
      Math.max(0, measureFrom - performance.now()),
    ),
  );
  await Promise.all(residents.map(schedule));
  await warmedUp;
  await Promise.all(pending);
  const after = await snapshot();
  for (const resident of residents) resident.close();
  const measuredTurns = Math.max(1, turns);
  return {
    turns,
    errors,
    latenciesMs: latencies.sort((a, b) => a - b),
    cpuMsPerTurn: (after.cpu - (before?.cpu ?? 0)) / measuredTurns,
    // The two /metrics reads are not turns; each is no statement, so nothing to take off.
    statementsPerTurn: (after.statements - (before?.statements ?? 0)) / measuredTurns,
    turnsPerSecond: turns / options.seconds,
  };
}

export function describeOpenLoop(name: string, f: OpenLoopFigures): string {
  return [
    name.padEnd(16),
    `${f.turnsPerSecond.toFixed(1).padStart(6)} turns/s`,
    `p50 ${percentile(f.latenciesMs, 50).toFixed(1).padStart(6)} ms`,
    `p95 ${percentile(f.latenciesMs, 95).toFixed(1).padStart(6)} ms`,
    `p99 ${percentile(f.latenciesMs, 99).toFixed(1).padStart(6)} ms`,
    `CPU ${f.cpuMsPerTurn.toFixed(2).padStart(5)} ms/turn`,
    `DB ${f.statementsPerTurn.toFixed(1).padStart(4)} statements/turn`,
    `errors ${f.errors}/${f.turns}`,
  ].join('  ');
}
