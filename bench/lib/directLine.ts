/**
 * What the Direct Line benchmarks share: the script residents follow, starting and stopping
 * a server process, reading its peak memory, and one resident's conversation over Direct
 * Line 3.0 REST (a new conversation, then each message posted and the activities polled
 * until the reply is readable). Requests go through a Balancer, so one bench can spread
 * them over several instances as a load balancer without sticky sessions would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

// What residents say, in the order a real conversation might go.
export const SCRIPT = [
  'hello',
  'what can you do',
  'when is my bin day',
  'DF1 1AA',
  'menu',
  'is the tip open tomorrow',
  'how do I pay my council tax',
  'thanks',
  'asdfgh qwerty',
  'bye',
];

/**
 * Every resident of a bench comes from one address, so the per-client limits on tokens and
 * conversation starts (meant for one browser) are lifted; the bench measures turns, not limits.
 */
const BENCH_LIMITS = {
  LIMIT_TOKENS_PER_CLIENT_PER_MINUTE: '100000',
  LIMIT_TOKENS_PER_MINUTE: '1000000',
  LIMIT_CONVERSATIONS_PER_CLIENT_PER_MINUTE: '100000',
  LIMIT_CONVERSATIONS_PER_MINUTE: '1000000',
  LIMIT_LOOKUPS_PER_CLIENT_PER_HOUR: '100000',
  LIMIT_LOOKUPS_PER_MINUTE: '1000000',
};

/**
 * Starts `entry` (a file starting the assistant) on `port` and resolves once /readyz says 200.
 * With BENCH_CPU_PROF=<folder>, the server writes a V8 CPU profile there when it stops.
 */
export async function startServer(entry: string, port: number, env: Record<string, string>): Promise<ChildProcess> {
  // Something already answering there (a server left by an interrupted bench) would be measured instead.
  if (
    await fetch(`http://127.0.0.1:${port}/readyz`).then(
      () => true,
      () => false,
    )
  )
    throw new Error(`port ${port} is already in use`);
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child = spawn(process.execPath, [...profile, '--import', 'tsx', entry], {
    // NODE_NO_WARNINGS: restify's deprecation notices would bury the figures; errors still show.
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', NODE_NO_WARNINGS: '1', ...BENCH_LIMITS, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`${entry} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return child;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`${entry} did not start`);
}

/** SIGTERM, and waits for the process to exit. */
export async function stopServer(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGTERM');
  await exited;
}

/** The process's peak resident memory so far (VmHWM), in MB. Linux only. */
export function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

/** CPU time the process has used so far (user + system), in ms. Linux only. */
export function cpuMs(pid: number): number {
  // Fields after the parenthesised command name; utime and stime are the 14th and 15th fields.
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8')
    .replace(/^.*\) /s, '')
    .split(' ');
  const ticks = Number(fields[11]) + Number(fields[12]);
  return ticks * 10; // USER_HZ is 100 on Linux
}

export const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

/** Hands out base URLs in turn: every request goes to the next instance. */
export class Balancer {
  private next = 0;
  constructor(readonly bases: string[]) {}
  base(): string {
    const base = this.bases[this.next % this.bases.length] ?? '';
    this.next++;
    return base;
  }
}

interface Activity {
  type?: string;
  from?: { role?: string };
}

export interface Conversation {
  headers: Record<string, string>;
  /** /v3/directline/conversations/<id>/activities, without the host. */
  path: string;
  watermark: string;
}

/** A demo token and a new conversation (the welcome turn runs here), as Web Chat starts. */
export async function startConversation(balancer: Balancer): Promise<Conversation> {
  const minted = await fetch(`${balancer.base()}/demo/token`, { method: 'POST' });
  if (!minted.ok) throw new Error(`POST /demo/token: ${minted.status}`);
  const { token } = (await minted.json()) as { token: string };
  const headers = { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' };
  const started = await fetch(`${balancer.base()}/v3/directline/conversations`, { method: 'POST', headers });
  if (!started.ok) throw new Error(`POST /v3/directline/conversations: ${started.status}`);
  const { conversationId } = (await started.json()) as { conversationId: string };
  return { headers, path: `/v3/directline/conversations/${conversationId}/activities`, watermark: '' };
}

/**
 * `turns` messages from the script, one after another; each turn's latency (POST until the
 * bot's reply is readable) goes into `latencies`. Returns how many turns failed.
 */
export async function talk(
  balancer: Balancer,
  conversation: Conversation,
  turns: number,
  latencies: number[],
): Promise<number> {
  let errors = 0;
  for (let turn = 0; turn < turns; turn++) {
    const text = SCRIPT[turn % SCRIPT.length];
    const t0 = performance.now();
    const posted = await fetch(`${balancer.base()}${conversation.path}`, {
      method: 'POST',
      headers: conversation.headers,
      body: JSON.stringify({ type: 'message', text, from: { id: 'r' } }),
    });
    await posted.arrayBuffer();
    // The POST answers once the turn has run, so the first read nearly always has the reply;
    // keep reading (for up to 10 s) in case it does not.
    let replied = false;
    for (let poll = 0; poll < 2000 && posted.ok && !replied; poll++) {
      if (poll > 0) await new Promise((r) => setTimeout(r, 5));
      const read = await fetch(`${balancer.base()}${conversation.path}?watermark=${conversation.watermark}`, {
        headers: conversation.headers,
      });
      if (!read.ok) break;
      const page = (await read.json()) as { activities: Activity[]; watermark?: string };
      conversation.watermark = page.watermark ?? conversation.watermark;
      replied = page.activities.some((a) => a.type === 'message' && a.from?.role !== 'user');
    }
    if (replied) latencies.push(performance.now() - t0);
    else errors++;
  }
  return errors;
}
