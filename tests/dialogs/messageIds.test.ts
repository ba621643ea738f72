/**
 * Every message the code can render exists for both channels, proved when the council's data
 * is loaded: the compiler holds dialogs to MESSAGE_IDS, and Messages.load holds the data
 * folder to it. A folder with one message missing must not start.
 */
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { Messages } from '../../dialogs/content.js';
import { MESSAGE_IDS } from '../../dialogs/messageIds.js';
import { asChannel, SMS, WEB_CHAT } from '../../services/channels/channels.js';

const copies: string[] = [];
afterAll(() => copies.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

function brokenCopy(file: string, change: (messages: Record<string, unknown>) => void): string {
  const dir = mkdtempSync(join(tmpdir(), 'council-data-'));
  copies.push(dir);
  cpSync('data/demo', dir, { recursive: true });
  const path = join(dir, file);
  const json = JSON.parse(readFileSync(path, 'utf8')) as { messages: Record<string, unknown> };
  change(json.messages);
  writeFileSync(path, JSON.stringify(json));
  return dir;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && entry.name.endsWith('.ts'))
    .map((entry) => join(entry.parentPath, entry.name));
}

describe('message ids', () => {
  it('the demo council has every message the code renders, on the web and by SMS', () => {
    const messages = Messages.load('data/demo');
    for (const id of MESSAGE_IDS) {
      expect(messages.render(id, asChannel(WEB_CHAT)).text, id).not.toBe('');
      expect(messages.render(id, asChannel(SMS)).text, id).not.toBe('');
    }
  });

  it('a data folder missing a message the code renders fails the load, naming it', () => {
    const dir = brokenCopy('tip/messages.json', (m) => delete m['tip.summary']);
    expect(() => Messages.load(dir)).toThrow(/messages missing[^]*tip\.summary/);
  });

  it('a message without its SMS version fails the load', () => {
    const dir = brokenCopy('bins/messages.json', (m) => {
      m['missed.whichStream'] = { web: 'Which bin was missed?' };
    });
    expect(() => Messages.load(dir)).toThrow(/missed\.whichStream/);
  });

  it('every listed id is used by the code, so the list is the code’s and not a copy of the data', () => {
    const source = [...sourceFiles('dialogs'), ...sourceFiles('bot')]
      .filter((file) => !file.endsWith('messageIds.ts'))
      .map((file) => readFileSync(file, 'utf8'))
      .join('\n');
    const unused = MESSAGE_IDS.filter((id) => !source.includes(`'${id}'`));
    expect(unused).toEqual([]);
  });
});
