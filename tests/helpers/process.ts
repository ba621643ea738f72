/** The assistant as a real process (npm start's entry point), for kill -9 and several-instance tests. */
import { spawn, type ChildProcess } from 'node:child_process';
import { GENEROUS_LIMITS } from './limits.js';
import { createServer } from 'node:net';

export async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

/**
 * Starts `bot/index.ts` on `port` with `env` and resolves once /readyz answers 200 (within
 * `readyTimeoutMs`, a bound on a start that hangs: a loaded 2-core machine running the whole
 * suite can take tens of seconds).
 */
export async function startAssistantProcess(port: number, env: Record<string, string>, readyTimeoutMs = 180_000): Promise<ChildProcess> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
    env: assistantEnv(port, env),
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  return waitUntilReady(proc, port, keepStderr(proc), readyTimeoutMs);
}

function assistantEnv(port: number, env: Record<string, string>): NodeJS.ProcessEnv {
  return { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'test', ...GENEROUS_LIMITS, ...env };
}

/** Kept so a failed start says why (and read, so a chatty process never blocks on a full pipe). */
function keepStderr(proc: ChildProcess): () => string {
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return () => stderr;
}

/**
 * A restartable assistant for kill -9 trials: a warm spare (tests/helpers/assistantStandby.ts,
 * or `compiled`, that file compiled by compileStandby) is spawned at once and loads its modules
 * in the background; start() tells it to run the real entry point on `port` and resolves when
 * it is ready. Each spare starts once.
 */
export interface Standby {
  port: number;
  start(readyTimeoutMs?: number): Promise<ChildProcess>;
  /** Stops a spare that was never started. */
  discard(): Promise<void>;
}

export function spawnStandby(port: number, env: Record<string, string>, compiled?: string): Standby {
  const proc = spawn(process.execPath, compiled ? [compiled] : ['--import', 'tsx', 'tests/helpers/assistantStandby.ts'], {
    env: assistantEnv(port, env),
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
  });
  const stderr = keepStderr(proc);
  const loaded = new Promise<void>((resolve, reject) => {
    proc.once('message', () => resolve());
    proc.once('exit', (code) => reject(new Error(`assistant standby exited with ${code}: ${stderr()}`)));
  });
  loaded.catch(() => undefined);
  return {
    port,
    async start(readyTimeoutMs = 180_000) {
      await loaded;
      proc.send('go');
      return waitUntilReady(proc, port, stderr, readyTimeoutMs);
    },
    discard: () => killHard(proc),
  };
}

async function waitUntilReady(proc: ChildProcess, port: number, stderrOf: () => string, readyTimeoutMs: number): Promise<ChildProcess> {
  // A start trains nothing (the model is cached) but on a busy 2-core machine loading the
  // council's data and TypeScript can take tens of seconds: the deadline only bounds a start that hangs.
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`assistant exited with ${proc.exitCode}: ${stderrOf().replace(/.*DEP0111.*\n?|.*trace-deprecation.*\n?/g, '')}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/readyz`)).ok) return proc;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  proc.kill('SIGKILL');
  throw new Error('assistant did not become ready');
}

export async function killHard(proc: ChildProcess | undefined): Promise<void> {
  // A process killed by a signal has signalCode set and exitCode null.
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}
