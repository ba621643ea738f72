/**
 * How long a text message is, in one place for the dialogs, the content checks and the SMS
 * adapter. GSM-7, the SMS alphabet: a message entirely in it costs 160 characters a segment (153 when
 * split), one with a single character outside it is sent as UCS-2 at 70 (67). A stray smart
 * quote from a content editor would more than double the cost of a reply, so characters with
 * a plain equivalent are replaced before sending and the segments are counted.
 */

import type { ChannelDescription } from './channels.js';

/**
 * Texts one reply may be billed as: the answer is the point, and a third text costs the council
 * money and can arrive out of order. Council tax content is checked against it at load.
 */
export const SMS_REPLY_SEGMENTS = 2;

const BASIC =
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
  '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà';
/** The extension table: each costs two septets (an escape and the character). */
const EXTENSION = '^{}\\[~]|€\f';

const basic = new Set(BASIC);
const extension = new Set(EXTENSION);

/** Plain equivalents for characters that often creep in from word processors. */
const REPLACEMENTS: Record<string, string> = {
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u2032': "'",
  '`': "'",
  '\u00B4': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u2033': '"',
  '\u00AB': '"',
  '\u00BB': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2015': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u2022': '-',
  '\u00B7': '-',
  '\u25CF': '-',
  '\u00A0': ' ',
  '\u2007': ' ',
  '\u2009': ' ',
  '\u202F': ' ',
  '\t': ' ',
  '\u00AD': '',
  '\u200B': '',
  '\u200C': '',
  '\u200D': '',
  '\uFE0F': '',
  '\u2060': '',
  '\u00D7': 'x',
  '\u00F7': '/',
  '\u2122': 'TM',
  '\u00A9': '(c)',
  '\u00AE': '(R)',
  '\u0141': 'L',
  '\u0142': 'l',
  '\u0110': 'D',
  '\u0111': 'd',
  '\u0131': 'i',
  '\u0152': 'OE',
  '\u0153': 'oe',
  '\u00BD': '1/2',
  '\u00BC': '1/4',
  '\u00BE': '3/4',
  '\u2192': '->',
  '\u00B0': ' degrees',
};

/** Emoji and pictographs: no plain equivalent worth the cost, so they are dropped. */
const PICTOGRAPH = /\p{Extended_Pictographic}|\p{Regional_Indicator}|[\u{1F3FB}-\u{1F3FF}]/u;

export type Encoding = 'GSM-7' | 'UCS-2';

export function isGsm7(char: string): boolean {
  return basic.has(char) || extension.has(char);
}

/** Replaces what has a plain GSM-7 equivalent; anything left outside GSM-7 makes it UCS-2. */
export function toGsm7(text: string): string {
  let out = '';
  for (const char of text) {
    if (isGsm7(char)) {
      out += char;
      continue;
    }
    const replacement = REPLACEMENTS[char];
    if (replacement !== undefined) {
      out += replacement;
      continue;
    }
    if (PICTOGRAPH.test(char)) continue;
    // Accented letters not in GSM-7 (ó, ł…) lose the accent: "Zoë" still reads right as "Zoe".
    const bare = char.normalize('NFD').replace(/\p{Mark}/gu, '');
    out += bare !== char && [...bare].every(isGsm7) ? bare : char;
  }
  return out;
}

export function encodingOf(text: string): Encoding {
  for (const char of text) if (!isGsm7(char)) return 'UCS-2';
  return 'GSM-7';
}

export interface SegmentCount {
  encoding: Encoding;
  segments: number;
  /** Septets (GSM-7) or UTF-16 code units (UCS-2). */
  units: number;
}

/** How many SMS segments the text is billed as, the way handsets and Twilio split it. */
export function countSegments(text: string): SegmentCount {
  const encoding = encodingOf(text);
  if (text.length === 0) return { encoding, segments: 1, units: 0 };
  if (encoding === 'UCS-2') {
    const units = text.length;
    if (units <= 70) return { encoding, segments: 1, units };
    // A surrogate pair is never split between two segments.
    let segments = 1;
    let used = 0;
    for (const char of text) {
      const size = char.length;
      if (used + size > 67) {
        segments += 1;
        used = 0;
      }
      used += size;
    }
    return { encoding, segments, units };
  }
  let units = 0;
  for (const char of text) units += extension.has(char) ? 2 : 1;
  if (units <= 160) return { encoding, segments: 1, units };
  // An escape and its character always travel in the same segment.
  let segments = 1;
  let used = 0;
  for (const char of text) {
    const size = extension.has(char) ? 2 : 1;
    if (used + size > 153) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return { encoding, segments, units };
}

/** Whether a reply fits the channel's budget of texts (always, where length is free). */
export function fitsBudget(text: string, channel: Pick<ChannelDescription, 'segmentBudget'>): boolean {
  return channel.segmentBudget === null || countSegments(toGsm7(text)).segments <= channel.segmentBudget;
}
