/**
 * How residents talk beyond the jobs, from data/<council>/conversation/words.json: frustration
 * ("useless", "rubbish bot", swearing), small talk ("lol", "who are you") and messages in
 * another language (Welsh, Polish…). The council edits the words; this only finds them.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadJsonFile } from '../data/loadDataFile.js';
import { PhraseMatcher } from './phraseMatcher.js';

const schema = z.object({
  frustration: z.array(z.string().min(1)).min(1),
  swearing: z.array(z.string().min(1)).default([]),
  smallTalk: z.array(z.string().min(1)).default([]),
  languages: z
    .array(
      z.object({
        code: z.string().regex(/^[a-z]{2,3}$/, 'must be a language code like "cy"'),
        name: z.string().min(1),
        strong: z.array(z.string().min(1)).min(1),
        markers: z.array(z.string().min(1)).default([]),
      }),
    )
    .default([]),
});

export type ConversationWordsData = z.infer<typeof schema>;

/** Words in any alphabet ("śmieci", "dzień"), lower case, apostrophes dropped ("dont"). */
function tokens(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);
}

function containsPhrase(typed: string[], phrase: string[]): boolean {
  for (let start = 0; start + phrase.length <= typed.length; start++) {
    if (phrase.every((word, i) => typed[start + i] === word)) return true;
  }
  return false;
}

/** Marker words must be this share of the message, so one Welsh-looking word in English is not Welsh. */
const MARKER_SHARE = 0.4;
const MARKERS_NEEDED = 2;

export class ConversationWords {
  private readonly frustration: PhraseMatcher<true>;
  private readonly swearing: Set<string>;
  private readonly smallTalk: Set<string>;
  private readonly languages: { code: string; strong: string[][]; markers: Set<string> }[];

  constructor(data: ConversationWordsData) {
    this.frustration = new PhraseMatcher([{ value: true as const, phrases: data.frustration }]);
    this.swearing = new Set(data.swearing.flatMap(tokens));
    this.smallTalk = new Set(data.smallTalk.map((phrase) => tokens(phrase).join(' ')));
    this.languages = data.languages.map((language) => ({
      code: language.code,
      strong: language.strong.map(tokens),
      markers: new Set(language.markers.flatMap(tokens)),
    }));
  }

  /** The languages listed, each needing a language.<code> message. */
  get languageCodes(): string[] {
    return this.languages.map((language) => language.code);
  }

  static load(dataDir: string): ConversationWords {
    return new ConversationWords(loadJsonFile(join(dataDir, 'conversation', 'words.json'), schema));
  }

  /**
   * A resident who has had enough. Swearing counts only when the message asks for nothing the
   * assistant does: "my bloody bin wasn't collected" is still a missed bin.
   */
  isFrustrated(text: string, asksForAJob: boolean): boolean {
    if (this.frustration.findAll(text).length > 0) return true;
    return !asksForAJob && tokens(text).some((word) => this.swearing.has(word) || /^f+u+c+k+/.test(word));
  }

  /** Chat with no request in it ("lol", "who are you"): the whole message, not a word inside it. */
  isSmallTalk(text: string): boolean {
    return this.smallTalk.has(tokens(text).join(' '));
  }

  /** The code of the language the message is written in, when it is one the council lists. */
  languageOf(text: string): string | undefined {
    const typed = tokens(text);
    if (typed.length === 0) return undefined;
    for (const language of this.languages) {
      if (language.strong.some((phrase) => containsPhrase(typed, phrase))) return language.code;
      const markers = typed.filter((word) => language.markers.has(word));
      if (new Set(markers).size >= MARKERS_NEEDED && markers.length / typed.length >= MARKER_SHARE)
        return language.code;
    }
    return undefined;
  }
}
