/**
 * `npm run agents` reads its settings like the server does (.env, then the environment, checked):
 * an agent added here must land in the database the server uses, and a mistyped STORAGE_URL must
 * be refused by name rather than create a stray file.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const cli = resolve('adapters/agent/cli.ts');
const tsx = import.meta.resolve('tsx');
const dirs: string[] = [];

afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function folder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'agents-cli-'));
  dirs.push(dir);
  return dir;
}

function agents(cwd: string, args: string[], env: Record<string, string> = {}, input = '') {
  const base = { ...process.env };
  delete base.STORAGE_URL;
  return spawnSync(process.execPath, ['--import', tsx, cli, ...args], {
    cwd,
    env: { ...base, ...env },
    input,
    encoding: 'utf8',
  });
}

describe('npm run agents', () => {
  it('refuses a STORAGE_URL that is not one, naming it, and creates nothing', () => {
    const cwd = folder();
    const run = agents(cwd, ['list'], { STORAGE_URL: 'foo' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('STORAGE_URL');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('adds the agent to the database named in .env', () => {
    const cwd = folder();
    const db = join(cwd, 'council.db');
    writeFileSync(join(cwd, '.env'), `STORAGE_URL=sqlite:${db}\n`);
    const added = agents(cwd, ['add', 'priya.shah', 'Priya Shah'], {}, 'a-long-enough-password\n');
    expect(added.stderr).not.toMatch(/error/i);
    expect(added.status).toBe(0);
    expect(existsSync(db)).toBe(true);
    const listed = agents(cwd, ['list']);
    expect(listed.stdout).toContain('priya.shah\tPriya Shah');
  });
});
