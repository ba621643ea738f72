/**
 * Finds the topics a message is about from phrases a council writes in its data files, matched
 * the way residents write rather than the way the phrase was written:
 * - any order, with a few other words between: "can you collect an old sofa from my house"
 *   has the phrase "{collect} {furniture}", and so has "sofa collection";
 * - endings: "collected", "collection" and "collects" are "collect" (natural's Porter stemmer);
 * - slips of a hurried thumb in longer words: "matress", "pothol", "homless" (see isSlip);
 * - text-speak: "r" is "are", "im" is "i am" (the project's list in intents/data/normalise.json,
 *   then the file's own `spellings`).
 * A phrase word in braces names a group of alternatives listed once in the same file
 * ("furniture": ["sofa", "settee", "fridge", "wardrobe"…]); an alternative may be several words
 * ("pick up", "get rid of"), which must come in that order. A negative ("not", "never"…) among
 * a phrase's words stops it matching, so "I am not homeless" is not "am homeless". A near miss
 * ("is my sofa covered by council tax") has only some of a phrase's words, so it is not matched.
 */
import { jaroWinkler } from '../addresses/jaroWinkler.js';
import { expandToken } from '../../intents/nlp/normalise.js';
import { porterStemmer } from '../../intents/nlp/natural.js';
import { isSlip } from './phraseMatcher.js';

/** Typo tolerance for longer words: high enough that "printer" is not "painter". */
const FUZZY_THRESHOLD = 0.94;
const FUZZY_MIN_LENGTH = 5;
/** Other words allowed between a phrase's words when the file does not say. */
export const DEFAULT_MAX_GAP = 3;
/** Other words allowed inside a several-word alternative ("pick my sofa up"). */
const ALTERNATIVE_GAP = 2;
/** Words that turn a phrase around when they come among its words ("I am not homeless"). */
const NEGATIVES = new Set(['not', 'never', 'no', 'nor']);

interface Word {
  text: string;
  stem: string;
}

/** One slot of a phrase: any of these word sequences. */
type Slot = Word[][];

interface Phrase<T> {
  value: T;
  /** A near miss: when it matches, the value is not found, whatever else matched. */
  veto: boolean;
  slots: Slot[];
  /** Every word of the phrase, so a negative that is part of it ("not safe at home") does not count against it. */
  own: Set<string>;
}

/** Where one slot was found: the message positions it used. */
interface Found {
  positions: number[];
}

export interface TopicMatcherOptions {
  /** Named groups of alternatives, used in phrases as {name}. */
  groups?: Record<string, readonly string[]>;
  /** The file's own text-speak ("tonite" -> "tonight"), applied before the project's. */
  spellings?: Record<string, string>;
  /** Other words allowed between a phrase's words. */
  maxGap?: number;
}

function rawWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’'‘`]/g, '')
    .split(/[^a-z0-9{}_]+/)
    .filter(Boolean);
}

export class TopicMatcher<T> {
  private readonly phrases: Phrase<T>[];
  private readonly maxGap: number;
  private readonly spellings: Record<string, string>;

  constructor(entries: Iterable<{ value: T; phrases: readonly string[]; unless?: readonly string[] }>, options: TopicMatcherOptions = {}) {
    this.maxGap = options.maxGap ?? DEFAULT_MAX_GAP;
    this.spellings = options.spellings ?? {};
    const groups = new Map(Object.entries(options.groups ?? {}).map(([name, alternatives]) => [name.toLowerCase(), alternatives.map((a) => this.words(a)).filter((a) => a.length > 0)]));
    const parse = (value: T, veto: boolean) => (text: string): Phrase<T> => {
        const slots: Slot[] = rawWords(text).flatMap((token): Slot[] => {
          const group = /^\{(\w+)\}$/.exec(token)?.[1];
          if (group !== undefined) {
            const alternatives = groups.get(group);
            if (!alternatives?.length) throw new Error(`phrase "${text}" names a group {${group}} that is not listed`);
            return [alternatives];
          }
          return this.words(token).map((word) => [[word]]);
        });
      const own = new Set(slots.flatMap((slot) => slot.flatMap((alternative) => alternative.map((w) => w.text))));
      return { value, veto, slots, own };
    };
    this.phrases = [...entries]
      .flatMap(({ value, phrases, unless = [] }) => [...unless.map(parse(value, true)), ...phrases.map(parse(value, false))])
      .filter((phrase) => phrase.slots.length > 0);
  }

  /** Every value one of whose phrases is in the text (and none of its near misses), in the order they were listed. */
  findAll(text: string): T[] {
    const typed = this.words(text);
    const found = new Set<T>();
    const vetoed = new Set<T>();
    for (const phrase of this.phrases) {
      if (found.has(phrase.value) || vetoed.has(phrase.value)) continue;
      if (this.matches(phrase, typed)) (phrase.veto ? vetoed : found).add(phrase.value);
    }
    return [...found];
  }

  /** Lower case, apostrophes dropped, text-speak expanded, each word with its stem. */
  private words(text: string): Word[] {
    return rawWords(text)
      .flatMap((word) => (this.spellings[word] ?? word).split(' '))
      .flatMap((word) => (/^\{\w+\}$/.test(word) ? [word] : expandToken(word)))
      .map((word) => ({ text: word, stem: porterStemmer.stem(word) }));
  }

  private matches(phrase: Phrase<T>, typed: Word[]): boolean {
    const candidates = phrase.slots.map((slot) => this.occurrences(slot, typed));
    if (candidates.some((list) => list.length === 0)) return false;
    const chosen: Found[] = [];
    const used = new Set<number>();
    const search = (index: number): boolean => {
      if (index === candidates.length) {
        const all = chosen.flatMap((f) => f.positions);
        const start = Math.min(...all);
        const end = Math.max(...all);
        if (end - start + 1 - all.length > this.maxGap) return false;
        for (let i = start; i <= end; i++) {
          const word = typed[i]?.text ?? '';
          if (!used.has(i) && NEGATIVES.has(word) && !phrase.own.has(word)) return false;
        }
        return true;
      }
      for (const found of candidates[index] ?? []) {
        if (found.positions.some((p) => used.has(p))) continue;
        chosen.push(found);
        for (const p of found.positions) used.add(p);
        const ok = search(index + 1);
        chosen.pop();
        for (const p of found.positions) used.delete(p);
        if (ok) return true;
      }
      return false;
    };
    return search(0);
  }

  /** Where in the message each of a slot's alternatives appears. */
  private occurrences(slot: Slot, typed: Word[]): Found[] {
    const found: Found[] = [];
    for (const alternative of slot) {
      for (let start = 0; start < typed.length; start++) {
        const positions = this.sequenceAt(alternative, typed, start);
        if (positions) found.push({ positions });
      }
    }
    return found;
  }

  /** The alternative's words in order from `start`, with at most ALTERNATIVE_GAP others between. */
  private sequenceAt(alternative: Word[], typed: Word[], start: number): number[] | null {
    const first = alternative[0];
    if (!first || !typed[start] || !sameWord(typed[start], first)) return null;
    const positions = [start];
    let at = start;
    for (const word of alternative.slice(1)) {
      let next = -1;
      for (let i = at + 1; i <= at + 1 + ALTERNATIVE_GAP && i < typed.length; i++) {
        if (sameWord(typed[i] as Word, word)) {
          next = i;
          break;
        }
      }
      if (next < 0) return null;
      positions.push(next);
      at = next;
    }
    return positions;
  }
}

/** The same word: as typed, by its stem ("collection", "collected"), or a slip in a longer word. */
export function sameWord(typed: Word, listed: Word): boolean {
  if (typed.text === listed.text || typed.stem === listed.stem) return true;
  if (typed.text.length < FUZZY_MIN_LENGTH || listed.text.length < FUZZY_MIN_LENGTH || /\d/.test(typed.text)) return false;
  return isSlip(typed.text, listed.text) || jaroWinkler(typed.text, listed.text) >= FUZZY_THRESHOLD;
}

/** Problems to report for a data file: each {group} a phrase names that the file does not list. */
export function missingGroups(groups: Record<string, readonly string[]>, phrases: readonly string[]): string[] {
  const listed = new Set(Object.keys(groups).map((name) => name.toLowerCase()));
  return phrases.flatMap((text) =>
    [...text.matchAll(/\{(\w+)\}/g)].filter((m) => !listed.has((m[1] ?? '').toLowerCase())).map((m) => `phrase "${text}": no group "${m[1]}" under "groups"`),
  );
}
