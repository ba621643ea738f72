/**
 * The real process, as `npm start` runs it: a wrong setting stops the start with the variable
 * named (no stack trace), and SIGTERM stops it gracefully with exit code 0.
 */
import { spawn, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { testDatabase } from '../helpers/databases.js';
import { READY_LIMIT_MS } from '../helpers/process.js';
import { listeningPort } from '../helpers/startLog.js';
import { scaled } from '../helpers/timeScale.js';

describe('the assistant process', () => {
  it(
    'stops the start with the variable named, before listening',
    () => {
      const result = spawnSync(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
        env: { ...process.env, PORT: 'not-a-port' },
        encoding: 'utf8',
        // A bound on a hang, not a speed check: on a busy 2-core machine loading TypeScript alone
        // can take tens of seconds.
        timeout: READY_LIMIT_MS,
      });
      expect(result.status).toBe(1);
      expect(result.stderr).toMatch(/PORT: .*number/);
      expect(result.stderr).not.toMatch(/at .*\(/);
    },
    READY_LIMIT_MS + scaled(20_000),
  );

  it(
    'stops gracefully on SIGTERM',
    async () => {
      const db = await testDatabase();
      const child = spawn(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
        env: { ...process.env, PORT: '0', HOST: '127.0.0.1', STORAGE_URL: db.url, LOG_LEVEL: 'info' },
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      let output = '';
      child.stdout.on('data', (chunk) => (output += String(chunk)));
      try {
        const port = await listeningPort(child);
        expect((await fetch(`http://127.0.0.1:${port}/healthz`)).ok).toBe(true);
        // 'close' rather than 'exit': everything it wrote to stdout has been read by then.
        const exited = new Promise((resolve) => child.once('close', resolve));
        child.kill('SIGTERM');
        expect(await exited).toBe(0);
        expect(output).toMatch(/"msg":"stopped"/);
      } finally {
        child.kill('SIGKILL');
        await db.drop();
      }
    },
    READY_LIMIT_MS + scaled(60_000),
  );
});
