/**
 * `npm run bench:instances`: the same Direct Line load against three setups, each real
 * `bot/index.ts` processes:
 *   a. one instance on a SQLite file (no Redis);
 *   b. one instance on PostgreSQL + Redis;
 *   c. two instances on the same PostgreSQL + Redis, every request (token, start, each POST
 *      and each GET) sent to the next instance in turn, as a balancer without sticky sessions.
 * Each PostgreSQL setup gets a fresh scratch database, dropped at the end. Each round starts
 * N new conversations at once, then times their T turns; printed per setup, over all rounds:
 * turns/s, p50/p95/p99 turn latency (POST until the reply is readable), peak RSS of each
 * instance, the instances' CPU time per turn, and database statements per turn from
 * assistant_db_statements_total on /metrics (round trips on PostgreSQL; statements in-process
 * on SQLite).
 *
 *   npm run bench:instances -- --residents 20 --turns 10 --rounds 5 --warmup 2
 */
import { randomBytes } from 'node:crypto';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import {
  Balancer,
  cpuMs,
  peakRssMb,
  percentile,
  startConversation,
  startServer,
  stopServer,
  talk,
  type Conversation,
} from './lib/directLine.js';

const { values } = parseArgs({
  options: {
    residents: { type: 'string', default: '20' },
    turns: { type: 'string', default: '10' },
    // Each round is the whole load again on new conversations; the figures pool all rounds.
    rounds: { type: 'string', default: '5' },
    // Unmeasured rounds first: an instance keeps getting faster for its first few hundred turns.
    warmup: { type: 'string', default: '2' },
    port: { type: 'string', default: '3990' },
    // The PostgreSQL server's admin database (the scratch database is made beside it), and Redis.
    postgres: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/test' },
    redis: { type: 'string', default: 'redis://127.0.0.1:6379' },
  },
});
const RESIDENTS = Number(values.residents);
const TURNS = Number(values.turns);
const ROUNDS = Number(values.rounds);
const WARM_UP_ROUNDS = Number(values.warmup);
const PORT = Number(values.port);

interface Setup {
  name: string;
  instances: number;
  storage: 'sqlite' | 'postgres';
}

interface Figures {
  setup: Setup;
  turns: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
  peakRssMb: number[];
  /** Statements (all instances) while the conversations were started, and during the turns. */
  startStatements: number;
  turnStatements: number;
  /** CPU time of the instances (all of them) during the timed turns. */
  turnCpuMs: number;
}

const SETUPS: Setup[] = [
  { name: 'a. 1 x SQLite', instances: 1, storage: 'sqlite' },
  { name: 'b. 1 x PostgreSQL+Redis', instances: 1, storage: 'postgres' },
  { name: 'c. 2 x PostgreSQL+Redis', instances: 2, storage: 'postgres' },
];

// --- Scratch storage ---

interface Scratch {
  url: string;
  drop(): Promise<void>;
}

function scratchSqlite(): Scratch {
  const dir = mkdtempSync(join(tmpdir(), 'ca-bench-'));
  return { url: `sqlite:${join(dir, 'bench.db')}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
}

async function adminQuery(text: string): Promise<void> {
  const admin = new pg.Client({ connectionString: values.postgres });
  await admin.connect();
  try {
    await admin.query(text);
  } finally {
    await admin.end();
  }
}

async function scratchPostgres(): Promise<Scratch> {
  // Not ca_test_: the test suite drops those when a run ends, and might while we run.
  const name = `ca_bench_${randomBytes(6).toString('hex')}`;
  await adminQuery(`CREATE DATABASE ${name}`);
  const url = new URL(values.postgres);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => adminQuery(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

// Ctrl-C stops the instances, then drops the scratch database.
const running = new Set<ChildProcess>();
const scratches = new Set<Scratch>();
let interrupted = false;
process.once('SIGINT', () => {
  interrupted = true;
  void Promise.allSettled([...running].map(stopServer))
    .then(() => Promise.allSettled([...scratches].map((scratch) => scratch.drop())))
    .then(() => process.exit(130));
});

// --- Measuring ---

/** assistant_db_statements_total summed over the instances. */
async function statements(bases: string[]): Promise<number> {
  let total = 0;
  for (const base of bases) {
    const text = await (await fetch(`${base}/metrics`)).text();
    for (const match of text.matchAll(/^assistant_db_statements_total\{dialect="\w+"\} (\d+)/gm))
      total += Number(match[1]);
  }
  return total;
}

async function run(setup: Setup): Promise<Figures> {
  const scratch = setup.storage === 'sqlite' ? scratchSqlite() : await scratchPostgres();
  scratches.add(scratch);
  const env = { STORAGE_URL: scratch.url, REDIS_URL: setup.storage === 'postgres' ? values.redis : '' };
  const ports = Array.from({ length: setup.instances }, (_, i) => PORT + i);
  const children: ChildProcess[] = [];
  try {
    // Started together, as a deployment would: migrations take a lock, the signing key's first writer wins.
    children.push(...(await Promise.all(ports.map((port) => startServer('bot/index.ts', port, env)))));
    for (const child of children) running.add(child);
    const bases = ports.map((port) => `http://127.0.0.1:${port}`);
    const balancer = new Balancer(bases);

    // Warm-up, not measured: the whole load a few times, so each instance has JIT-compiled its
    // paths and opened its pool connections (with less, later rounds ran faster than the first).
    for (let round = 0; round < WARM_UP_ROUNDS; round++) {
      await Promise.all(
        Array.from({ length: RESIDENTS }, async () => talk(balancer, await startConversation(balancer), TURNS, [])),
      );
    }

    const latencies: number[] = [];
    let seconds = 0;
    let errors = 0;
    let startStatements = 0;
    let turnStatements = 0;
    let turnCpuMs = 0;
    const instancesCpuMs = () => children.reduce((sum, child) => sum + cpuMs(child.pid ?? 0), 0);
    for (let round = 0; round < ROUNDS; round++) {
      const beforeStart = await statements(bases);
      const conversations: Conversation[] = await Promise.all(
        Array.from({ length: RESIDENTS }, () => startConversation(balancer)),
      );
      const beforeTurns = await statements(bases);
      const cpuBefore = instancesCpuMs();
      const t0 = performance.now();
      errors += (await Promise.all(conversations.map((c) => talk(balancer, c, TURNS, latencies)))).reduce(
        (a, b) => a + b,
        0,
      );
      seconds += (performance.now() - t0) / 1000;
      turnCpuMs += instancesCpuMs() - cpuBefore;
      const afterTurns = await statements(bases);
      startStatements += beforeTurns - beforeStart;
      turnStatements += afterTurns - beforeTurns;
    }

    return {
      setup,
      turns: latencies.length,
      seconds,
      latenciesMs: latencies.sort((a, b) => a - b),
      errors,
      peakRssMb: children.map((child) => peakRssMb(child.pid ?? 0)),
      startStatements,
      turnStatements,
      turnCpuMs,
    };
  } finally {
    await Promise.all(children.map(stopServer));
    for (const child of children) running.delete(child);
    await scratch.drop();
    scratches.delete(scratch);
  }
}

// --- Printing ---

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  return rows
    .map((row, i) => {
      const line = row
        .map((cell, column) => (column === 0 ? cell.padEnd(widths[column]!) : cell.padStart(widths[column]!)))
        .join('  ');
      return i === 0 ? `${line}\n${widths.map((w) => '-'.repeat(w)).join('  ')}` : line;
    })
    .join('\n');
}

const cores = cpus().length;
process.stdout.write(
  `Instances bench: ${RESIDENTS} concurrent residents x ${TURNS} turns, ${ROUNDS} rounds per setup after ${WARM_UP_ROUNDS} unmeasured warm-up rounds.\n` +
    `This machine has ${cores} CPU core${cores === 1 ? '' : 's'}; the instances, PostgreSQL, Redis and this client all share them.\n` +
    `Load average before the run: ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')} (other work on the machine skews the figures).\n\n`,
);

const results: Figures[] = [];
for (const setup of SETUPS) {
  process.stdout.write(`running ${setup.name}...\n`);
  try {
    results.push(await run(setup));
  } catch (error) {
    // Requests fail once Ctrl-C has stopped the instances: wait for the clean-up to exit.
    if (interrupted) await new Promise(() => undefined);
    throw error;
  }
}

const header = [
  'setup',
  'turns/s',
  'p50 ms',
  'p95 ms',
  'p99 ms',
  'peak RSS MB (each)',
  'CPU ms/turn',
  'DB stmts/turn',
  'DB stmts/start',
  'errors',
];
const rows = results.map((f) => [
  f.setup.name,
  (f.turns / f.seconds).toFixed(1),
  percentile(f.latenciesMs, 50).toFixed(1),
  percentile(f.latenciesMs, 95).toFixed(1),
  percentile(f.latenciesMs, 99).toFixed(1),
  f.peakRssMb.map((mb) => mb.toFixed(0)).join(' / '),
  (f.turnCpuMs / Math.max(1, f.turns)).toFixed(1),
  (f.turnStatements / Math.max(1, f.turns)).toFixed(1),
  (f.startStatements / (RESIDENTS * ROUNDS)).toFixed(1),
  String(f.errors),
]);
process.stdout.write(`\n${table([header, ...rows])}\n\n`);
process.stdout.write(
  [
    'CPU ms/turn: CPU time the instances used (summed) during the timed turns, divided by the turns.',
    'DB stmts/turn: assistant_db_statements_total over all instances during the timed turns, divided by the turns;',
    '  on PostgreSQL each statement is one network round trip (BEGIN/COMMIT included), on SQLite a statement in-process.',
    '  It excludes the conversation start (token, POST /conversations and the welcome turn): that is DB stmts/start,',
    "  per resident. Background work (each instance's handoff timer sweep every 15 s) falls in whichever phase it hits.",
    `Two instances on ${cores} cores show what coordination through PostgreSQL and Redis costs, not added capacity.`,
  ].join('\n') + '\n',
);
