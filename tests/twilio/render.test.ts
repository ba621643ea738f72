import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CardFactory, MessageFactory } from 'botbuilder';
import { countSegments, toGsm7 } from '../../services/channels/smsText.js';
import { asChannel, SMS } from '../../services/channels/channels.js';
import { Outbox } from '../../adapters/twilio/outbox.js';
import { choiceForReply, renderActivity, stripMarkdown } from '../../adapters/twilio/render.js';
import { SmsContent } from '../../adapters/twilio/smsContent.js';
import { splitForSms } from '../../adapters/twilio/split.js';
import { Messages, type MessageId } from '../../dialogs/content.js';

describe('GSM-7', () => {
  it('replaces smart quotes, dashes, ellipses and bullets; keeps £ and €; drops emoji', () => {
    expect(toGsm7('It’s “free” – really… • £5 — €3 👍🏽')).toBe('It\'s "free" - really... - £5 - €3 ');
    expect(countSegments(toGsm7('It’s “free”')).encoding).toBe('GSM-7');
  });

  it('drops accents GSM-7 lacks but keeps those it has', () => {
    expect(toGsm7('Zoë Łukasz José Ñ')).toBe('Zoe Lukasz José Ñ');
  });

  it('leaves what has no plain equivalent, which makes the text UCS-2', () => {
    const text = toGsm7('Привет');
    expect(text).toBe('Привет');
    expect(countSegments(text)).toMatchObject({ encoding: 'UCS-2', segments: 1 });
  });

  it('counts segments: 160/153 for GSM-7, 70/67 for UCS-2, extension characters as two', () => {
    expect(countSegments('a'.repeat(160)).segments).toBe(1);
    expect(countSegments('a'.repeat(161)).segments).toBe(2);
    expect(countSegments('a'.repeat(306)).segments).toBe(2);
    expect(countSegments('a'.repeat(307)).segments).toBe(3);
    expect(countSegments('€'.repeat(80))).toMatchObject({ units: 160, segments: 1 });
    expect(countSegments('€'.repeat(81)).segments).toBe(2);
    expect(countSegments('ж'.repeat(70)).segments).toBe(1);
    expect(countSegments('ж'.repeat(71)).segments).toBe(2);
    expect(countSegments('ж'.repeat(134)).segments).toBe(2);
    expect(countSegments('ж'.repeat(135)).segments).toBe(3);
  });
});

describe('splitting', () => {
  it('keeps a short reply whole', () => {
    expect(splitForSms('Your bin day is Tuesday.', 2)).toEqual(['Your bin day is Tuesday.']);
  });

  it('splits a long reply at sentence boundaries within the budget', () => {
    const sentences = Array.from(
      { length: 12 },
      (_, i) => `Sentence number ${i + 1} tells you something useful about the tip.`,
    );
    const parts = splitForSms(sentences.join(' '), 1);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(countSegments(part).segments).toBe(1);
      expect(part).toMatch(/^Sentence number \d+ .*tip\.$/);
    }
    expect(parts.join(' ')).toBe(sentences.join(' '));
  });

  it('cuts a sentence with no boundary at words', () => {
    const parts = splitForSms(Array(60).fill('word').join(' '), 1);
    expect(parts.every((p) => p.length <= 160 && !p.startsWith(' '))).toBe(true);
    expect(parts.join(' ').split(' ')).toHaveLength(60);
  });
});

describe('rendering activities for SMS', () => {
  it('strips markdown and writes links as "text url"', () => {
    expect(
      stripMarkdown('**Bins** are collected on _Tuesday_. See [the calendar](https://demoford.gov.uk/bins) or `call`.'),
    ).toBe('Bins are collected on Tuesday. See the calendar https://demoford.gov.uk/bins or call.');
    expect(stripMarkdown('# Council tax\n* Band A\n* Band B')).toBe('Council tax\n- Band A\n- Band B');
    // A reference with an underscore or asterisk in a word is left alone.
    expect(stripMarkdown('ref TP-123456 and file_name_here 2*3*4')).toBe('ref TP-123456 and file_name_here 2*3*4');
  });

  it('lists suggested actions as numbered lines and maps a number back to the choice', () => {
    const rendered = renderActivity(
      MessageFactory.suggestedActions(['Bin collection day', 'Council tax'], 'What do you need?'),
    );
    expect(rendered?.text).toBe('What do you need?\n1. Bin collection day\n2. Council tax');
    expect(choiceForReply('2', rendered?.choices ?? [])?.value).toBe('Council tax');
    expect(choiceForReply(' (1) ', rendered?.choices ?? [])?.value).toBe('Bin collection day');
    expect(choiceForReply('3', rendered?.choices ?? [])).toBeUndefined();
    expect(choiceForReply('1 bin', rendered?.choices ?? [])).toBeUndefined();
  });

  it('reduces a hero card to its words, buttons numbered and links written out', () => {
    const card = CardFactory.heroCard(
      'Van permit',
      'Book a permit to take a van to the tip.',
      [],
      [
        { type: 'imBack', title: 'Book a permit', value: 'book a van permit' },
        { type: 'openUrl', title: 'Rules', value: 'https://demoford.gov.uk/tip' },
      ],
    );
    const rendered = renderActivity(MessageFactory.attachment(card));
    expect(rendered?.text).toBe(
      'Van permit\nBook a permit to take a van to the tip.\nRules: https://demoford.gov.uk/tip\n1. Book a permit',
    );
    expect(rendered?.choices).toEqual([{ label: 'Book a permit', value: 'book a van permit' }]);
  });

  it('sends nothing for typing, trace or empty activities', () => {
    expect(renderActivity({ type: 'typing' })).toBeUndefined();
    expect(renderActivity({ type: 'trace', text: 'debug' })).toBeUndefined();
    expect(renderActivity({ type: 'message', text: '' })).toBeUndefined();
  });

  it('joins a turn’s replies into one text when they fit', () => {
    const outbox = new Outbox();
    outbox.add({ text: 'Hello.', choices: [] });
    outbox.add({ text: 'Your bin day is Tuesday – recycling week.', choices: [] });
    expect(outbox.plan(2)).toEqual([
      { body: 'Hello.\nYour bin day is Tuesday - recycling week.', segments: 1, encoding: 'GSM-7' },
    ]);
  });
});

describe('the council’s SMS texts', () => {
  it('every SMS message in messages.json and sms.json is GSM-7 and within 2 segments', () => {
    const messages = Messages.load('data/demo');
    const raw = JSON.parse(readFileSync('data/demo/messages.json', 'utf8')) as { messages: Record<string, unknown> };
    for (const id of Object.keys(raw.messages) as MessageId[]) {
      const text = toGsm7(messages.render(id, asChannel(SMS)).text);
      const { segments } = countSegments(text);
      expect(segments, id).toBeLessThanOrEqual(2);
      expect(
        countSegments(messages.render(id, asChannel(SMS)).text).encoding,
        `${id} uses characters outside GSM-7`,
      ).toBe('GSM-7');
    }
    const sms = SmsContent.load('data/demo');
    for (const id of ['optedOut', 'optedIn', 'slowDown'] as const)
      expect(countSegments(sms.text(id)).segments, id).toBe(1);
  });
});
