/**
 * Starts the real process (`bot/index.ts`, as `npm start` does) with one setting pointing at
 * something that is not there, and checks the start fails at once with a message naming that
 * setting: whoever deploys the assistant reads one line and knows which variable to fix.
 * Starts processes: slow, and belongs with the other multi-process tests.
 */
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createServer } from 'node:net';

const dir = mkdtempSync(join(tmpdir(), 'start-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface Ended {
  code: number | null;
  stderr: string;
}

/** Runs the assistant with `env` until it exits by itself (bounded, in case a start hangs). */
let starts = 0;
async function start(env: Record<string, string>): Promise<Ended> {
  starts += 1;
  const proc = spawn(process.execPath, ['--import', 'tsx', 'bot/index.ts'], {
    env: {
      ...process.env,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      NODE_ENV: 'test',
      STORAGE_URL: `sqlite:${join(dir, `start-${starts}.db`)}`,
      ...env,
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  proc.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const hung = setTimeout(() => proc.kill('SIGKILL'), 150_000);
  const code = await new Promise<number | null>((resolve) => proc.once('exit', resolve));
  clearTimeout(hung);
  return { code, stderr: stderr.replace(/.*DEP0111.*\n?|.*trace-deprecation.*\n?/g, '') };
}

/** A port nothing listens on (one just bound and let go): a database or Redis server that is not running. */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
}

describe('a start with a setting that points nowhere', () => {
  it('names STORAGE_URL when the database does not answer', async () => {
    const ended = await start({ STORAGE_URL: `postgres://postgres@127.0.0.1:${await closedPort()}/council` });
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toMatch(
      /^council-assistant could not start: STORAGE_URL: the database could not be opened: .*ECONNREFUSED/m,
    );
    expect(ended.stderr).not.toMatch(/\n\s+at /); // one line to read, not a stack
  }, 180_000);

  it('names STORAGE_URL when the SQLite file cannot be created', async () => {
    const ended = await start({ STORAGE_URL: 'sqlite:/dev/null/assistant.db' });
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toMatch(/STORAGE_URL: the database could not be opened/);
  }, 180_000);

  it('names COUNCIL_DATA_DIR when the folder does not exist', async () => {
    const ended = await start({ COUNCIL_DATA_DIR: join(dir, 'no-such-council') });
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toMatch(/COUNCIL_DATA_DIR: .*no-such-council does not exist/);
  }, 180_000);

  it('names COUNCIL_DATA_DIR when the folder is not a council data folder', async () => {
    const ended = await start({ COUNCIL_DATA_DIR: join(process.cwd(), 'web') });
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toMatch(/COUNCIL_DATA_DIR: .*web has no messages\.json/);
  }, 180_000);

  it('names COUNCIL_DATA_DIR and the file when a data file is broken', async () => {
    const council = join(dir, 'broken-council');
    cpSync(join(process.cwd(), 'data', 'demo'), council, { recursive: true });
    writeFileSync(join(council, 'gazetteer.csv'), 'this is not,the gazetteer\n1,2\n');
    const ended = await start({ COUNCIL_DATA_DIR: council });
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toMatch(
      /COUNCIL_DATA_DIR \(.*broken-council\): a file in the council's data folder is not valid/,
    );
    expect(ended.stderr).toMatch(/gazetteer\.csv/);
  }, 180_000);

  it('names REDIS_URL, without its password, when Redis does not answer', async () => {
    const port = await closedPort();
    const ended = await start({ REDIS_URL: `redis://:sesame-password@127.0.0.1:${port}` });
    expect(ended.code).not.toBe(0);
    expect(ended.stderr).toContain(`REDIS_URL: Redis at redis://127.0.0.1:${port} did not answer`);
    expect(ended.stderr).not.toContain('sesame-password');
  }, 180_000);
});
