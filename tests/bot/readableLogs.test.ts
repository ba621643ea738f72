/**
 * On a developer's terminal the logs are readable lines, not JSON, and still carry no personal
 * data; anywhere else (production, a container, a file) they are one JSON object per line.
 */
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, wantsReadableLogs } from '../../bot/logger.js';

function capture(): { stream: Writable; lines: () => string } {
  let text = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      text += chunk.toString();
      done();
    },
  });
  return { stream, lines: () => text };
}

describe('log format', () => {
  it('is readable only on a terminal outside production', () => {
    expect(wantsReadableLogs('development', { isTTY: true })).toBe(true);
    expect(wantsReadableLogs('test', { isTTY: true })).toBe(true);
    expect(wantsReadableLogs('production', { isTTY: true })).toBe(false);
    expect(wantsReadableLogs('development', { isTTY: false })).toBe(false);
    expect(wantsReadableLogs('development', {})).toBe(false);
  });

  it('prints a readable line, with personal data redacted', () => {
    const out = capture();
    const logger = createLogger('info', out.stream, true);
    logger.info(
      { postcode: 'DF1 1AA', turn: { text: 'my number is 07700 900123' }, port: 3978 },
      'council-assistant is listening',
    );
    const printed = out.lines();
    expect(printed).toMatch(/INFO.*council-assistant is listening/);
    expect(printed).toContain('port: 3978');
    expect(() => JSON.parse(printed)).toThrow();
    expect(printed).not.toContain('DF1 1AA');
    expect(printed).not.toContain('07700');
    expect(printed).toContain('[redacted]');
  });

  it('prints JSON lines otherwise', () => {
    const out = capture();
    createLogger('info', out.stream).info({ postcode: 'DF1 1AA' }, 'hello');
    expect(JSON.parse(out.lines())).toMatchObject({ msg: 'hello', postcode: '[redacted]', level: 30 });
  });
});
