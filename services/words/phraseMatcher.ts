/**
 * Finds the things a resident names in free text ("can I bring my old telly and two tins of
 * paint?") from the words listed in the data files: whole words only (so "oil" is not found
 * in "toilet"), plurals either way, and small typos in longer words ("matress").
 */
import { jaroWinkler } from '../addresses/jaroWinkler.js';

/** Typo tolerance: high enough that "printer" is not "painter". */
const FUZZY_THRESHOLD = 0.94;
const FUZZY_MIN_LENGTH = 5;

export function words(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[’']/g, '')
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

function singular(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/**
 * One letter left out, one too many, or two neighbours swapped ("homless", "suicidde",
 * "homelsess"): the slips of a hurried thumb. A changed letter is not among them, because that
 * makes other real words ("hopeless" for "homeless").
 */
export function isSlip(typed: string, listed: string): boolean {
  if (typed.length === listed.length) {
    const diff = [...typed].flatMap((c, i) => (c === listed[i] ? [] : [i]));
    return (
      diff.length === 2 &&
      diff[1] === (diff[0] as number) + 1 &&
      typed[diff[0] as number] === listed[diff[1] as number] &&
      typed[diff[1] as number] === listed[diff[0] as number]
    );
  }
  const [shorter, longer] = typed.length < listed.length ? [typed, listed] : [listed, typed];
  if (longer.length - shorter.length !== 1) return false;
  for (let i = 0; i < longer.length; i++) if (longer.slice(0, i) + longer.slice(i + 1) === shorter) return true;
  return false;
}

/** 0 for an exact (or plural) match, 1 for a typo, -1 for no match. */
function wordDistance(typed: string, listed: string, slips: boolean): number {
  if (typed === listed || singular(typed) === singular(listed)) return 0;
  if (typed.length < FUZZY_MIN_LENGTH || listed.length < FUZZY_MIN_LENGTH || /\d/.test(typed)) return -1;
  if (jaroWinkler(typed, listed) >= FUZZY_THRESHOLD) return 1;
  if (slips && isSlip(typed, listed)) return 1;
  return -1;
}

interface Hit<T> {
  value: T;
  start: number;
  end: number;
  typos: number;
}

export class PhraseMatcher<T> {
  private readonly phrases: { value: T; words: string[] }[];

  /**
   * @param options.slips also forgive a letter left out, added or swapped (see isSlip), for
   * words where missing a match costs more than a false alarm (urgent topics).
   */
  constructor(
    entries: Iterable<{ value: T; phrases: readonly string[] }>,
    private readonly options: { slips?: boolean } = {},
  ) {
    this.phrases = [...entries].flatMap(({ value, phrases }) =>
      phrases.map((p) => ({ value, words: words(p) })).filter((p) => p.words.length > 0),
    );
  }

  /** Every value named in the text, in the order named; a longer phrase wins over a shorter one inside it. */
  findAll(text: string): T[] {
    const typed = words(text);
    const hits: Hit<T>[] = [];
    for (const phrase of this.phrases) {
      for (let start = 0; start + phrase.words.length <= typed.length; start++) {
        let typos = 0;
        const matched = phrase.words.every((w, i) => {
          const d = wordDistance(typed[start + i] as string, w, this.options.slips ?? false);
          typos += Math.max(d, 0);
          return d >= 0;
        });
        if (matched) hits.push({ value: phrase.value, start, end: start + phrase.words.length, typos });
      }
    }
    hits.sort((a, b) => b.end - b.start - (a.end - a.start) || a.typos - b.typos || a.start - b.start);
    const kept: Hit<T>[] = [];
    for (const hit of hits) if (!kept.some((k) => k.start < hit.end && hit.start < k.end)) kept.push(hit);
    kept.sort((a, b) => a.start - b.start);
    return [...new Set(kept.map((k) => k.value))];
  }
}
