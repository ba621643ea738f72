/**
 * Should an error ever escape a handler, the process logs it and keeps serving. Proved on a real
 * child process: an uncaught exception and an unhandled rejection, then it still answers.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';

const script = `
import { keepServingOnEscapedErrors } from './bot/lastResort.ts';
keepServingOnEscapedErrors(() => undefined);
setTimeout(() => { throw new Error('escaped from a handler'); }, 10);
setTimeout(() => { void Promise.reject(new Error('rejected nowhere')); }, 20);
setTimeout(() => { process.stdout.write('still serving'); process.exit(0); }, 200);
`;

describe('the last resort', () => {
  it('logs an escaped error and keeps the process running', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
    expect(code).toBe(0);
    expect(stdout).toBe('still serving');
    expect(stderr).toContain('uncaught exception (kept serving)');
    expect(stderr).toContain('unhandled promise rejection (kept serving)');
  });
});
