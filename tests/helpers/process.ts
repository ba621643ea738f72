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
    env: { ...process.env, PORT: String(port), LOG_LEVEL: 'warn', NODE_ENV: 'test', ...GENEROUS_LIMITS, ...env },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  // Kept so a failed start says why (and read, so a chatty process never blocks on a full pipe).
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  // A start trains nothing (the model is cached) but on a busy 2-core machine loading the
  // council's data and TypeScript can take tens of seconds: the deadline only bounds a start that hangs.
  const deadline = Date.now() + readyTimeoutMs;
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`assistant exited with ${proc.exitCode}: ${stderr.replace(/.*DEP0111.*\n?|.*trace-deprecation.*\n?/g, '')}`);
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
