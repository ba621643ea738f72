/**
 * `npm run bench`: N simulated residents talk to a running server over Direct Line 3.0 at once,
 * first to the assistant and then to a bare echo bot on the same stack, and the figures are
 * printed: turns/s, p50/p95/p99 turn latency (POST until the reply is readable) and the
 * server's peak RSS. The ratio shows what the assistant's own logic costs over the plumbing.
 *
 *   npm run bench -- --residents 20 --turns 10
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Balancer, peakRssMb, percentile, startConversation, startServer, stopServer, talk } from './lib/directLine.js';

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

interface RunFigures {
  turns: number;
  seconds: number;
  latenciesMs: number[];
  peakRssMb: number;
  errors: number;
}

async function resident(balancer: Balancer, latencies: number[]): Promise<number> {
  return talk(balancer, await startConversation(balancer), TURNS, latencies);
}

async function run(entry: string): Promise<RunFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'ca-bench-'));
  const child = await startServer(entry, PORT, { STORAGE_URL: `sqlite:${join(dir, 'bench.db')}`, REDIS_URL: '' });
  const base = new Balancer([`http://127.0.0.1:${PORT}`]);
  try {
    // Warm up once so the first-call costs (JIT, model load, SQLite cache) are not measured.
    await resident(base, []);
    const latencies: number[] = [];
    const t0 = performance.now();
    const errors = (await Promise.all(Array.from({ length: RESIDENTS }, () => resident(base, latencies)))).reduce((a, b) => a + b, 0);
    const seconds = (performance.now() - t0) / 1000;
    return { turns: latencies.length, seconds, latenciesMs: latencies.sort((a, b) => a - b), peakRssMb: peakRssMb(child.pid ?? 0), errors };
  } finally {
    await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

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
