/**
 * `npm start` is how a council runs the assistant without a process manager: a SIGTERM to it
 * (Ctrl+C in a terminal, `docker stop`, systemd) must stop the server, not leave it answering
 * as an orphan that holds the port and its database. It starts on PORT=0 and the test reads the
 * port from its start log line, as an operator would.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { GENEROUS_LIMITS } from '../helpers/limits.js';
import { listeningPort } from '../helpers/startLog.js';
import { scaled } from '../helpers/timeScale.js';

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

describe('npm start', () => {
  it(
    'stops the server when it receives SIGTERM',
    async () => {
      npm = spawn('npm', ['start'], {
        env: {
          ...process.env,
          ...GENEROUS_LIMITS,
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          STORAGE_URL: `sqlite:${join(dir, 'a.db')}`,
        },
        stdio: ['ignore', 'pipe', 'ignore'],
        detached: true,
      });
      const port = await listeningPort(npm);
      expect(await answers(port)).toBe(true);

      const exited = new Promise((resolve) => npm!.once('exit', resolve));
      npm.kill('SIGTERM');
      await exited;
      // npm may exit a moment before the server it passed the signal to: give that moment, bounded.
      const deadline = Date.now() + scaled(60_000);
      while ((await answers(port)) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
      expect(await answers(port)).toBe(false);
    },
    scaled(300_000),
  );
});
