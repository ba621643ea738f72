/**
 * The assistant as a real process (npm start's entry point), for kill -9, restart and
 * several-instance tests (the system suite). Every process binds port 0 and reports the port it
 * bound over IPC (reportListeningPort.ts); it counts as started once /readyz answers 200 there.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { GENEROUS_LIMITS } from './limits.js';
import type { ListeningReport } from './reportListeningPort.js';
import { scaled } from './timeScale.js';

/**
 * A bound on a start that hangs, not a speed check: a start trains nothing (the model is cached),
 * but on a busy 2-core machine loading TypeScript and the council's data can take tens of seconds.
 */
export const READY_LIMIT_MS = scaled(180_000);

export interface AssistantProcess {
  proc: ChildProcess;
  port: number;
  /** http://127.0.0.1:<port> */
  url: string;
  /** The tail of what the process wrote to stderr, for a failure's message. */
  stderr(): string;
}

/** Starts `bot/index.ts` with `env` and resolves once it is ready. */
export async function startAssistantProcess(
  env: Record<string, string>,
  readyLimitMs = READY_LIMIT_MS,
): Promise<AssistantProcess> {
  const proc = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', './tests/helpers/reportListeningPort.ts', 'bot/index.ts'],
    {
      env: assistantEnv(env),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  const stderr = keepStderr(proc);
  return waitUntilReady(proc, reportedPort(proc, stderr), stderr, readyLimitMs);
}

function assistantEnv(env: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    ...GENEROUS_LIMITS,
    ...env,
  };
}

/** Kept so a failed start says why (and read, so a chatty process never blocks on a full pipe). */
function keepStderr(proc: ChildProcess): () => string {
  let stderr = '';
  proc.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  return () => stderr.replace(/.*DEP0111.*\n?|.*trace-deprecation.*\n?/g, '');
}

const isReport = (message: unknown): message is ListeningReport =>
  typeof message === 'object' && message !== null && typeof (message as ListeningReport).listening === 'number';

/** The port the process reports once its server is bound; rejects if it exits first. */
function reportedPort(proc: ChildProcess, stderrOf: () => string): Promise<number> {
  const port = new Promise<number>((resolve, reject) => {
    const onMessage = (message: unknown) => {
      if (!isReport(message)) return;
      proc.off('exit', onExit);
      proc.off('message', onMessage);
      resolve(message.listening);
    };
    const onExit = (code: number | null, signal: string | null) => {
      proc.off('message', onMessage);
      reject(new Error(`assistant exited (${code ?? signal}) before listening: ${stderrOf()}`));
    };
    proc.on('message', onMessage);
    proc.once('exit', onExit);
  });
  port.catch(() => undefined);
  return port;
}

/**
 * A restartable assistant for kill -9 trials: a warm spare (tests/helpers/assistantStandby.ts,
 * or `compiled`, that file compiled by compileStandby) is spawned at once and loads its modules
 * in the background; start() tells it to run the real entry point and resolves when it is
 * ready, on whichever port it bound. Each spare starts once.
 */
export interface Standby {
  start(readyLimitMs?: number): Promise<AssistantProcess>;
  /** Stops a spare that was never started. */
  discard(): Promise<void>;
}

export function spawnStandby(env: Record<string, string>, compiled?: string): Standby {
  const proc = spawn(
    process.execPath,
    compiled ? [compiled] : ['--import', 'tsx', 'tests/helpers/assistantStandby.ts'],
    {
      env: assistantEnv(env),
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    },
  );
  const stderr = keepStderr(proc);
  const loaded = new Promise<void>((resolve, reject) => {
    proc.once('message', () => resolve());
    proc.once('exit', (code) => reject(new Error(`assistant standby exited with ${code}: ${stderr()}`)));
  });
  loaded.catch(() => undefined);
  return {
    async start(readyLimitMs = READY_LIMIT_MS) {
      await loaded;
      const port = reportedPort(proc, stderr);
      proc.send('go');
      return waitUntilReady(proc, port, stderr, readyLimitMs);
    },
    discard: () => killHard(proc),
  };
}

async function waitUntilReady(
  proc: ChildProcess,
  reported: Promise<number>,
  stderrOf: () => string,
  readyLimitMs: number,
): Promise<AssistantProcess> {
  const deadline = Date.now() + readyLimitMs;
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `assistant reported no port within ${readyLimitMs} ms (TEST_TIME_SCALE stretches this): ${stderrOf()}`,
          ),
        ),
      readyLimitMs,
    );
  });
  try {
    const port = await Promise.race([reported, limit]);
    const url = `http://127.0.0.1:${port}`;
    // Listening comes before ready: the sweep of work a dead instance left runs in between.
    while (Date.now() < deadline) {
      if (proc.exitCode !== null || proc.signalCode !== null)
        throw new Error(`assistant exited with ${proc.exitCode ?? proc.signalCode}: ${stderrOf()}`);
      try {
        if ((await fetch(`${url}/readyz`)).ok) return { proc, port, url, stderr: stderrOf };
      } catch {
        // refused while starting, or reset by a process that is exiting: the check above says which
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(
      `assistant was not ready within ${readyLimitMs} ms (TEST_TIME_SCALE stretches this): ${stderrOf()}`,
    );
  } catch (error) {
    await killHard(proc);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}

export async function killHard(proc: ChildProcess | undefined): Promise<void> {
  // A process killed by a signal has signalCode set and exitCode null.
  if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  proc.kill('SIGKILL');
  await exited;
}
