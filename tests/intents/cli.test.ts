import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

describe('npm run --silent intents -- classify', () => {
  it('prints one JSON object per input line and nothing else, even with a .env in the working directory', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'intents-cli-'));
    writeFileSync(join(cwd, '.env'), 'INTENTS_CLI_LEAK_CHECK=leaked\n');
    const input = ['bin day?', '', 'permit for van AB12 CDE sat', '🗑️🗑️', 'cancel TP-123456'].join('\n');
    const run = spawnSync(join(ROOT, 'node_modules/.bin/tsx'), [join(ROOT, 'intents/cli.ts'), 'classify'], {
      cwd,
      input,
      encoding: 'utf8',
      env: { ...process.env, DOTENV_CONFIG_QUIET: '' },
      timeout: 60_000,
    });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    const parsed = lines.map(
      (l) => JSON.parse(l) as { text: string; intent: string; score: number; entities: { type: string }[] },
    );
    expect(parsed.map((p) => p.text)).toEqual(input.split('\n'));
    expect(parsed[0]?.intent).toBe('bins.next_collection');
    expect(parsed[2]?.entities.map((e) => e.type)).toEqual(['registration', 'date']);
    expect(parsed[4]?.intent).toBe('tip.manage_permit');
    expect(run.stdout).not.toContain('leaked');
    expect(run.stdout).not.toMatch(/dotenv/i);
  });
});
