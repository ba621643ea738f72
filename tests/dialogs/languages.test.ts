/**
 * Another language is data: a council adds messages.<code>.json beside its messages.json, and a
 * conversation whose locale is that language reads it, with English for anything not yet
 * translated. The words here are a test fixture, not a translation the project ships.
 */
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Messages } from '../../dialogs/content.js';
import { asChannel, SMS, WEB_CHAT } from '../../services/channels/channels.js';
import { startTestAssistant, type TestAssistant } from '../helpers/assistant.js';
import { openConversation } from '../helpers/directLineRest.js';

const FIXTURE_GREETING = 'Fixture-language greeting: what can I do?';

function councilWithFixtureLanguage(messages: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'council-data-'));
  cpSync('data/demo', dir, { recursive: true });
  writeFileSync(join(dir, 'messages.cy.json'), JSON.stringify({ messages }));
  return dir;
}

describe('content in a second language, added as data', () => {
  let dataDir: string;
  let assistant: TestAssistant;

  beforeAll(async () => {
    dataDir = councilWithFixtureLanguage({
      greeting: { web: FIXTURE_GREETING, sms: 'Fixture-language greeting by text.', choices: ['Bin collection day'] },
    });
    assistant = await startTestAssistant({ COUNCIL_DATA_DIR: dataDir });
  }, 60_000);

  afterAll(async () => {
    await assistant?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('answers a conversation whose locale is that language in it', async () => {
    const resident = await openConversation(assistant.url, undefined, 'cy-GB');
    const replies = await resident.say('hello');
    expect(replies.join('\n')).toContain(FIXTURE_GREETING);
    expect(replies.join('\n')).toContain('[Bin collection day]');
  });

  it('falls back to English for a message not translated yet', async () => {
    const resident = await openConversation(assistant.url, undefined, 'cy-GB');
    const replies = await resident.say('help');
    expect(replies.join('\n')).toContain('I can help you with');
  });

  it('keeps English for a conversation in English', async () => {
    const resident = await openConversation(assistant.url, undefined, 'en-GB');
    const replies = await resident.say('hello');
    expect(replies.join('\n')).toContain('Hello! What can I help you with today?');
    expect(replies.join('\n')).not.toContain(FIXTURE_GREETING);
  });

  it('renders each kind of channel from the language file', () => {
    const messages = Messages.load(dataDir);
    expect(messages.languages).toEqual(['en', 'cy']);
    expect(messages.render('greeting', asChannel(SMS, 'cy')).text).toBe('Fixture-language greeting by text.');
    expect(messages.render('greeting', asChannel(WEB_CHAT, 'fr')).text).toBe('Hello! What can I help you with today?');
  });

  it('refuses to start with a translation of a message that does not exist in English', () => {
    const broken = councilWithFixtureLanguage({ greetinq: { web: 'typo', sms: 'typo' } });
    try {
      expect(() => Messages.load(broken)).toThrow(
        /messages\.cy\.json: message "greetinq" is not in any messages\.json/,
      );
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
