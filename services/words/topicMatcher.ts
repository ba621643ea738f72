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

/** One slot of a phrase: any of these word sequences (ids into the matcher's vocabulary). */
type Slot = number[][];

interface Phrase<T> {
  value: T;
  /** A near miss: when it matches, the value is not found, whatever else matched. */
  veto: boolean;
  slots: Slot[];
  /** Every word of the phrase, so a negative that is part of it ("not safe at home") does not count against it. */
  own: Set<string>;
}

/** A message's words, each with the vocabulary words it counts as. */
interface Typed {
  text: string;
  matches: Set<number>;
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
  /** Every distinct word the phrases and groups use, compared once per message word. */
  private readonly vocabulary: Word[] = [];
  private readonly vocabularyIds = new Map<string, number>();
  private readonly maxGap: number;
  private readonly spellings: Record<string, string>;

  constructor(
    entries: Iterable<{ value: T; phrases: readonly string[]; unless?: readonly string[] }>,
    options: TopicMatcherOptions = {},
  ) {
    this.maxGap = options.maxGap ?? DEFAULT_MAX_GAP;
    this.spellings = options.spellings ?? {};
    const groups = new Map(
      Object.entries(options.groups ?? {}).map(([name, alternatives]) => [
        name.toLowerCase(),
        alternatives.map((a) => this.ids(a)).filter((a) => a.length > 0),
      ]),
    );
    const parse =
      (value: T, veto: boolean) =>
      (text: string): Phrase<T> => {
        const slots: Slot[] = rawWords(text).flatMap((token): Slot[] => {
          const group = /^\{(\w+)\}$/.exec(token)?.[1];
          if (group !== undefined) {
            const alternatives = groups.get(group);
            if (!alternatives?.length) throw new Error(`phrase "${text}" names a group {${group}} that is not listed`);
            return [alternatives];
          }
          return this.ids(token).map((id) => [[id]]);
        });
        const own = new Set(
          slots.flatMap((slot) =>
            slot.flatMap((alternative) => alternative.map((id) => this.vocabulary[id]?.text ?? '')),
          ),
        );
        return { value, veto, slots, own };
      };
    this.phrases = [...entries]
      .flatMap(({ value, phrases, unless = [] }) => [
        ...unless.map(parse(value, true)),
        ...phrases.map(parse(value, false)),
      ])
      .filter((phrase) => phrase.slots.length > 0);
  }

  /** Every value one of whose phrases is in the text (and none of its near misses), in the order they were listed. */
  findAll(text: string): T[] {
    const compared = new Map<string, Set<number>>();
    const typed: Typed[] = this.words(text).map((word) => {
      let matches = compared.get(word.text);
      if (!matches) {
        matches = new Set(this.vocabulary.flatMap((listed, id) => (sameWord(word, listed) ? [id] : [])));
        compared.set(word.text, matches);
      }
      return { text: word.text, matches };
    });
    const found = new Set<T>();
    const vetoed = new Set<T>();
    for (const phrase of this.phrases) {
      if (found.has(phrase.value) || vetoed.has(phrase.value)) continue;
      if (this.matches(phrase, typed)) (phrase.veto ? vetoed : found).add(phrase.value);
    }
    return [...found];
  }

  /** A phrase's or group entry's words as vocabulary ids, adding words not seen before. */
  private ids(text: string): number[] {
    return this.words(text).map((word) => {
      const known = this.vocabularyIds.get(word.text);
      if (known !== undefined) return known;
      this.vocabulary.push(word);
      this.vocabularyIds.set(word.text, this.vocabulary.length - 1);
      return this.vocabulary.length - 1;
    });
  }

  /** Lower case, apostrophes dropped, text-speak expanded, each word with its stem. */
  private words(text: string): Word[] {
    return rawWords(text)
      .flatMap((word) => (this.spellings[word] ?? word).split(' '))
      .flatMap((word) => (/^\{\w+\}$/.test(word) ? [word] : expandToken(word)))
      .map((word) => ({ text: word, stem: stemOf(word) }));
  }

  private matches(phrase: Phrase<T>, typed: Typed[]): boolean {
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
  private occurrences(slot: Slot, typed: Typed[]): Found[] {
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
  private sequenceAt(alternative: number[], typed: Typed[], start: number): number[] | null {
    const first = alternative[0];
    if (first === undefined || !typed[start]?.matches.has(first)) return null;
    const positions = [start];
    let at = start;
    for (const word of alternative.slice(1)) {
      let next = -1;
      for (let i = at + 1; i <= at + 1 + ALTERNATIVE_GAP && i < typed.length; i++) {
        if (typed[i]?.matches.has(word)) {
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
  const a = typed.text;
  const b = listed.text;
  if (a.length < FUZZY_MIN_LENGTH || b.length < FUZZY_MIN_LENGTH || Math.abs(a.length - b.length) > 2 || /\d/.test(a))
    return false;
  if (isSlipFast(a, b)) return true;
  // Jaro-Winkler at this threshold needs the same opening letter; checking it first spares most comparisons.
  return a[0] === b[0] && jaroWinkler(a, b) >= FUZZY_THRESHOLD;
}

/**
 * phraseMatcher's isSlip (a letter left out, added, or two neighbours swapped) without building
 * strings: it runs for every message word against every listed word.
 */
function isSlipFast(a: string, b: string): boolean {
  if (a.length === b.length) {
    let i = 0;
    while (i < a.length && a[i] === b[i]) i++;
    if (i >= a.length - 1) return false;
    return a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
  }
  const [shorter, longer] = a.length < b.length ? [a, b] : [b, a];
  if (longer.length - shorter.length !== 1) return false;
  let i = 0;
  while (i < shorter.length && shorter[i] === longer[i]) i++;
  return shorter.slice(i) === longer.slice(i + 1);
}

/** natural's Porter stemmer is slow (tens of microseconds a word) and residents repeat words: kept once seen. */
const stems = new Map<string, string>();
const STEM_CACHE_LIMIT = 20_000;

function stemOf(word: string): string {
  const known = stems.get(word);
  if (known !== undefined) return known;
  const stem = porterStemmer.stem(word);
  if (stems.size >= STEM_CACHE_LIMIT) stems.clear();
  stems.set(word, stem);
  return stem;
}

/** Problems to report for a data file: each {group} a phrase names that the file does not list. */
export function missingGroups(groups: Record<string, readonly string[]>, phrases: readonly string[]): string[] {
  const listed = new Set(Object.keys(groups).map((name) => name.toLowerCase()));
  return phrases.flatMap((text) =>
    [...text.matchAll(/\{(\w+)\}/g)]
      .filter((m) => !listed.has((m[1] ?? '').toLowerCase()))
      .map((m) => `phrase "${text}": no group "${m[1]}" under "groups"`),
  );
}
