/**
 * `npm run bench`: N simulated residents talk to a running server over Direct Line 3.0 at once,
 * first to the assistant and then to a bare echo bot on the same stack, and the figures are
 * printed: turns/s, p50/p95/p99 turn latency (POST until the reply is readable) and the
 * server's peak RSS. The ratio shows what the assistant's own logic costs over the plumbing.
 *
 *   npm run bench -- --residents 20 --turns 10
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    residents: { type: 'string', default: '20' },
    turns: { type: 'string', default: '10' },
    port: { type: 'string', default: '3990' },
  },
});
const RESIDENTS = Number(values.residents);
const TURNS = Number(values.turns);
const PORT = Number(values.port);

// What residents say, in the order a real conversation might go.
const SCRIPT = [
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

interface RunFigures {
  turns: number;
  seconds: number;
  latenciesMs: number[];
  peakRssMb: number;
  errors: number;
}

async function startServer(entry: string, storageDir: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', entry], {
    env: { ...process.env, PORT: String(PORT), LOG_LEVEL: 'warn', STORAGE_URL: `sqlite:${join(storageDir, 'bench.db')}` },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/readyz`)).ok) return child;
    } catch {
      // not yet listening
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${entry} did not start`);
}

function peakRssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function resident(base: string, latencies: number[]): Promise<number> {
  let errors = 0;
  const minted = (await (await fetch(`${base}/demo/token`, { method: 'POST' })).json()) as { token: string };
  const headers = { Authorization: `Bearer ${minted.token}`, 'Content-Type': 'application/json' };
  const started = (await (await fetch(`${base}/v3/directline/conversations`, { method: 'POST', headers })).json()) as { conversationId: string };
  const url = `${base}/v3/directline/conversations/${started.conversationId}/activities`;
  let watermark = '';
  for (let turn = 0; turn < TURNS; turn++) {
    const text = SCRIPT[turn % SCRIPT.length];
    const t0 = performance.now();
    const posted = await fetch(url, { method: 'POST', headers, body: JSON.stringify({ type: 'message', text, from: { id: 'r' } }) });
    const read = await fetch(`${url}?watermark=${watermark}`, { headers });
    latencies.push(performance.now() - t0);
    if (!posted.ok || !read.ok) errors++;
    watermark = ((await read.json()) as { watermark?: string }).watermark ?? watermark;
  }
  return errors;
}

async function run(entry: string): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ca-bench-'));
  const child = await startServer(entry, dir);
  const base = `http://127.0.0.1:${PORT}`;
  try {
    // Warm up once so the first-call costs (JIT, model load, SQLite cache) are not measured.
    await resident(base, []);
    const latencies: number[] = [];
    const t0 = performance.now();
    const errors = (await Promise.all(Array.from({ length: RESIDENTS }, () => resident(base, latencies)))).reduce((a, b) => a + b, 0);
    const seconds = (performance.now() - t0) / 1000;
    return { turns: latencies.length, seconds, latenciesMs: latencies.sort((a, b) => a - b), peakRssMb: peakRssMb(child.pid ?? 0), errors };
  } finally {
    child.kill('SIGTERM');
    await new Promise((r) => child.once('exit', r));
    rmSync(dir, { recursive: true, force: true });
  }
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

function describe(name: string, f: RunFigures): string {
  return [
    name.padEnd(10),
    `${(f.turns / f.seconds).toFixed(1).padStart(8)} turns/s`,
    `p50 ${percentile(f.latenciesMs, 50).toFixed(1).padStart(6)} ms`,
    `p95 ${percentile(f.latenciesMs, 95).toFixed(1).padStart(6)} ms`,
    `p99 ${percentile(f.latenciesMs, 99).toFixed(1).padStart(6)} ms`,
    `peak RSS ${f.peakRssMb.toFixed(0).padStart(4)} MB`,
    `errors ${f.errors}`,
  ].join('  ');
}

process.stdout.write(`Direct Line bench: ${RESIDENTS} concurrent residents x ${TURNS} turns, SQLite, one process\n`);
const assistant = await run('bot/index.ts');
process.stdout.write(`${describe('assistant', assistant)}\n`);
const echo = await run('bench/echoServer.ts');
process.stdout.write(`${describe('echo bot', echo)}\n`);
const ratio = (assistant.turns / assistant.seconds) / (echo.turns / echo.seconds);
process.stdout.write(`assistant/echo throughput ratio ${ratio.toFixed(2)}; p99 ratio ${(percentile(assistant.latenciesMs, 99) / percentile(echo.latenciesMs, 99)).toFixed(2)}\n`);
