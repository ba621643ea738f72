/**
 * The production path: `npm run build` compiles to dist/, and `node dist/bot/index.js` (what
 * `npm run start:prod` and the container run) serves the demo page and answers a resident over
 * Direct Line with plain JavaScript, no TypeScript loader, then stops on SIGTERM.
 * Starts processes and rebuilds dist/: slow, and belongs with the other multi-process tests.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openConversation } from '../helpers/directLineRest.js';
import { scaled } from '../helpers/timeScale.js';

const dir = mkdtempSync(join(tmpdir(), 'production-build-'));
let server: ChildProcess | undefined;

afterAll(() => {
  if (server && server.exitCode === null && server.signalCode === null) server.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  const proc = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  proc.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  return new Promise((resolve) => proc.once('exit', (code) => resolve({ code, output })));
}

async function answers(url: string): Promise<boolean> {
  try {
    return (await fetch(url)).ok;
  } catch {
    return false;
  }
}

/** Every .js file under dist/, for what it imports. */
function compiledFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.js'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('the production build', () => {
  it('builds, serves the demo page, answers a Direct Line turn and stops on SIGTERM', async () => {
    const built = await run('npm', ['run', 'build']);
    expect(built.output).toContain('built dist/');
    expect(built.code).toBe(0);

    // Nothing compiled reaches for the TypeScript loader: production installs have no tsx.
    const files = compiledFiles('dist');
    expect(files).toContain(join('dist', 'bot', 'index.js'));
    for (const file of files)
      expect(readFileSync(file, 'utf8'), file).not.toMatch(/from\s+['"][^'"]+\.ts['"]|['"]tsx(\/[^'"]*)?['"]/);

    server = spawn(process.execPath, ['dist/bot/index.js'], {
      env: {
        // No inherited loader either: exactly what a container runs.
        PATH: process.env.PATH ?? '',
        PORT: '0',
        HOST: '127.0.0.1',
        NODE_ENV: 'production',
        // Production turns the demo page off by default; this test wants it to prove the web assets are found.
        DEMO_PAGE: 'true',
        LOG_LEVEL: 'info',
        STORAGE_URL: `sqlite:${join(dir, 'assistant.db')}`,
        LIMIT_TOKENS_PER_CLIENT_PER_MINUTE: '1000',
        LIMIT_CONVERSATIONS_PER_CLIENT_PER_MINUTE: '1000',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    server.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    server.stderr?.on('data', () => undefined);
    // Bound on port 0: the port is read from the start's own JSON log line.
    const deadline = Date.now() + scaled(240_000);
    let listening: { msg?: string; port?: number } | undefined;
    while (!listening) {
      if (server.exitCode !== null) throw new Error(`dist/bot/index.js exited with ${server.exitCode}`);
      if (Date.now() > deadline) throw new Error('dist/bot/index.js did not start listening');
      const line = stdout.split('\n').find((l) => l.includes('council-assistant is listening'));
      if (line) listening = JSON.parse(line) as { msg?: string; port?: number };
      else await new Promise((r) => setTimeout(r, 200));
    }
    const base = `http://127.0.0.1:${listening.port}`;
    while (!(await answers(`${base}/readyz`))) {
      if (server.exitCode !== null) throw new Error(`dist/bot/index.js exited with ${server.exitCode}`);
      if (Date.now() > deadline) throw new Error('dist/bot/index.js did not become ready');
      await new Promise((r) => setTimeout(r, 200));
    }

    // Production logs are JSON lines, one object each, for a log collector.
    const firstLine = stdout.split('\n').find((line) => line.includes('listening')) ?? '';
    expect(JSON.parse(firstLine)).toMatchObject({ msg: 'council-assistant is listening' });

    const page = await fetch(`${base}/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Demoford');
    for (const asset of ['/assets/webchat.js', '/assets/demo.js', '/agent'])
      expect((await fetch(`${base}${asset}`)).status, asset).toBe(200);

    const resident = await openConversation(base);
    const replies = await resident.say('when is my bin collected');
    expect(replies.join('\n')).toMatch(/postcode/i);

    const exited = new Promise<number | null>((resolve) => server!.once('exit', resolve));
    server.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(await answers(`${base}/healthz`)).toBe(false);
  }, 600_000);
});
