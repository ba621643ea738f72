/**
 * Every quick reply the assistant offers in its welcome, help and menus must lead somewhere:
 * a resident who taps a button is never told "I didn't understand".
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestCouncil, type TestCouncil } from '../helpers/residents.js';

const content = JSON.parse(readFileSync('data/demo/messages.json', 'utf8')) as {
  messages: Record<string, { choices?: string[] }>;
  menus: Record<string, string>;
};
// "Yes" and "No" answer "did this answer your question?", asked only after a job: tested there.
const ANSWERS = new Set(
  Object.entries(content.messages)
    .filter(([id]) => id === 'answered.ask')
    .flatMap(([, m]) => m.choices ?? []),
);
const buttons = [...new Set(Object.values(content.messages).flatMap((m) => m.choices ?? []))].filter(
  (b) => !ANSWERS.has(b),
);

let council: TestCouncil;
beforeAll(async () => {
  council = await startTestCouncil({}, undefined, () => new Date('2026-11-23T10:00:00Z'));
});
afterAll(async () => {
  await council?.close();
});

describe('quick replies', () => {
  it.each(buttons)('"%s" is understood', async (label) => {
    const resident = await council.webResident();
    const replies = (await resident.say(label)).join('\n');
    expect(replies).not.toMatch(/didn't understand/i);
    expect(replies.length).toBeGreaterThan(0);
  });

  it.each([...ANSWERS])('"%s", after a job, answers whether it answered the question', async (label) => {
    const resident = await council.webResident();
    expect((await resident.say('bin day for 1 High Street DF1 1AA')).join('\n')).toMatch(/\[Yes\]\n\[No\]/);
    const replies = (await resident.say(label)).join('\n');
    expect(replies).toMatch(/Thank you for telling us/);
    expect(replies).not.toMatch(/didn't understand/i);
  });

  it('"Council tax" on its own offers the council tax questions', async () => {
    const resident = await council.webResident();
    const replies = (await resident.say('Council tax')).join('\n');
    expect(replies).toMatch(/\[What's my band\?\]/);
    expect(replies).toMatch(/\[I can't pay\]/);
  });
});
