/**
 * `npm start` is how a council runs the assistant without a process manager: a SIGTERM to it
 * (Ctrl+C in a terminal, `docker stop`, systemd) must stop the server, not leave it answering
 * as an orphan that holds the port and its database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GENEROUS_LIMITS } from '../helpers/limits.js';
import { freePort } from '../helpers/process.js';

const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
let npm: ChildProcess | undefined;

afterAll(() => {
  // The whole process group, so nothing this test started outlives it even if the fix regresses.
  if (npm?.pid) {
    try {
      process.kill(-npm.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

async function answers(port: number): Promise<boolean> {
  try {
    return (await fetch(`http://127.0.0.1:${port}/healthz`)).ok;
  } catch {
    return false;
  }
}

async function until(condition: () => Promise<boolean>, what: string, boundMs = 180_000): Promise<void> {
  const deadline = Date.now() + boundMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`gave up waiting: ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('npm start', () => {
  it('stops the server when it receives SIGTERM', async () => {
    const port = await freePort();
    npm = spawn('npm', ['start'], {
      env: { ...process.env, ...GENEROUS_LIMITS, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'warn', STORAGE_URL: `sqlite:${join(dir, 'a.db')}` },
      stdio: 'ignore',
      detached: true,
    });
    await until(() => answers(port), 'the server to answer');

    const exited = new Promise((resolve) => npm!.once('exit', resolve));
    npm.kill('SIGTERM');
    await exited;
    await until(async () => !(await answers(port)), 'the server to stop answering', 60_000);
    expect(await answers(port)).toBe(false);
  }, 300_000);
});
