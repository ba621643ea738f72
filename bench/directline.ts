/**
 * `npm run bench`: simulated residents talk to a running server over Direct Line 3.0, first to
 * the assistant and then to a bare echo bot on the same stack, so the difference is what the
 * assistant's own logic costs over the plumbing.
 *
 * Open loop (the default): each resident sends a message every --interval ms for --seconds
 * (after --warmup seconds not counted), whether or not the last was answered, over REST polling
 * or Web Chat's WebSocket stream (--transport rest, ws or both). Printed per bot and transport:
 * turns/s, p50/p95/p99 turn latency (from when the message was due until its reply could be
 * read), the server's CPU ms per turn and database statements per turn (from /metrics).
 *
 *   npm run bench -- --residents 50 --interval 3000 --seconds 60 --transport both
 *
 * Closed loop (--mode closed): N residents at once, each sending as fast as the replies come
 * (--turns each): turns/s, latency and peak RSS, the most one process does.
 *
 *   npm run bench -- --mode closed --residents 20 --turns 10
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadavg } from 'node:os';
import { Balancer, peakRssMb, percentile, startConversation, startServer, stopServer, talk } from './lib/directLine.js';
import { describeOpenLoop, openLoop, type Transport } from './lib/openLoop.js';

const { values } = parseArgs({
  options: {
    mode: { type: 'string', default: 'open' },
    residents: { type: 'string', default: '50' },
    turns: { type: 'string', default: '10' },
    interval: { type: 'string', default: '3000' },
    seconds: { type: 'string', default: '60' },
    warmup: { type: 'string', default: '10' },
    transport: { type: 'string', default: 'both' },
    port: { type: 'string', default: '3990' },
  },
});
const MODE = values.mode === 'closed' ? 'closed' : 'open';
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
  const child = await startServer(entry, PORT, serverEnv(dir));
  const base = new Balancer([`http://127.0.0.1:${PORT}`]);
  try {
    // Warm up once so the first-call costs (JIT, model load, SQLite cache) are not measured.
    await resident(base, []);
    const latencies: number[] = [];
    const t0 = performance.now();
    const errors = (await Promise.all(Array.from({ length: RESIDENTS }, () => resident(base, latencies)))).reduce(
      (a, b) => a + b,
      0,
    );
    const seconds = (performance.now() - t0) / 1000;
    return {
      turns: latencies.length,
      seconds,
      latenciesMs: latencies.sort((a, b) => a - b),
      peakRssMb: peakRssMb(child.pid ?? 0),
      errors,
    };
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

/** SQLite, one process, logging at info as a council would run it (to /dev/null). */
function serverEnv(dir: string): Record<string, string> {
  return { STORAGE_URL: `sqlite:${join(dir, 'bench.db')}`, REDIS_URL: '', LOG_LEVEL: 'info' };
}

const load = () =>
  `load average ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`;

async function openLoopRun(entry: string, transport: Transport) {
  const dir = mkdtempSync(join(tmpdir(), 'ca-bench-'));
  const child = await startServer(entry, PORT, serverEnv(dir));
  try {
    return await openLoop(new Balancer([`http://127.0.0.1:${PORT}`]), child.pid ?? 0, {
      residents: RESIDENTS,
      intervalMs: Number(values.interval),
      seconds: Number(values.seconds),
      warmUpSeconds: Number(values.warmup),
      transport,
    });
  } finally {
    await stopServer(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

if (MODE === 'open') {
  const transports: Transport[] =
    values.transport === 'both' ? ['rest', 'ws'] : [values.transport === 'ws' ? 'ws' : 'rest'];
  process.stdout.write(
    `Direct Line open loop: ${RESIDENTS} residents, one message each every ${values.interval} ms, ${values.seconds} s measured after ${values.warmup} s, SQLite, one process\n`,
  );
  for (const transport of transports) {
    for (const [name, entry] of [
      ['assistant', 'bot/index.ts'],
      ['echo bot', 'bench/echoServer.ts'],
    ] as const) {
      process.stdout.write(`  (${load()})\n`);
      process.stdout.write(
        `${describeOpenLoop(`${name} ${transport.toUpperCase()}`, await openLoopRun(entry, transport))}\n`,
      );
    }
  }
  process.stdout.write(`  (${load()})\n`);
} else {
  process.stdout.write(
    `Direct Line bench: ${RESIDENTS} concurrent residents x ${TURNS} turns, SQLite, one process (${load()})\n`,
  );
  const assistant = await run('bot/index.ts');
  process.stdout.write(`${describe('assistant', assistant)}\n`);
  const echo = await run('bench/echoServer.ts');
  process.stdout.write(`${describe('echo bot', echo)}\n`);
  const ratio = assistant.turns / assistant.seconds / (echo.turns / echo.seconds);
  process.stdout.write(
    `assistant/echo throughput ratio ${ratio.toFixed(2)}; p99 ratio ${(percentile(assistant.latenciesMs, 99) / percentile(echo.latenciesMs, 99)).toFixed(2)}\n`,
  );
}
