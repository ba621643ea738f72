/**
 * Spelling tolerance: an unknown word is replaced by the closest known word from the training
 * corpus ("colection" -> "collection", "permmit" -> "permit"). Candidates come from a
 * symmetric-delete index (every known word with one letter deleted), so a lookup costs a handful
 * of map reads rather than a distance to every word; natural's Damerau-Levenshtein distance
 * ranks them. Short words are left alone: at three letters almost everything is one edit away
 * (but a longer typo may become a three-letter word: "vann" -> "van"). UK service words
 * (data/normalise.json `keep`: hwrc, caddy, ctax, sole…) are never corrected into other words.
 */
import { damerauLevenshtein } from './natural.js';
import { KEEP_AS_TYPED } from './normalise.js';

/** Shortest word corrected. */
const MIN_LENGTH = 4;
/** Shortest word a correction may produce. */
const MIN_TARGET_LENGTH = 3;
const CACHE_LIMIT = 20_000;

function deletes(word: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < word.length; i++) out.push(word.slice(0, i) + word.slice(i + 1));
  return out;
}

export class SpellingCorrector {
  private readonly known: Map<string, number>;
  private readonly index = new Map<string, string[]>();
  private readonly cache = new Map<string, string>();

  /** `words`: known word -> how often it occurs in the corpus (ties go to the commoner word). */
  constructor(words: Map<string, number>) {
    this.known = words;
    for (const word of words.keys()) {
      if (word.length < MIN_TARGET_LENGTH) continue;
      for (const variant of [word, ...deletes(word)]) {
        const list = this.index.get(variant);
        if (list) list.push(word);
        else this.index.set(variant, [word]);
      }
    }
  }

  correct(word: string): string {
    if (word.length < MIN_LENGTH || this.known.has(word) || KEEP_AS_TYPED.has(word) || !/^[a-z]+$/.test(word))
      return word;
    const cached = this.cache.get(word);
    if (cached !== undefined) return cached;
    const candidates = new Set<string>();
    for (const variant of [word, ...deletes(word)]) {
      for (const candidate of this.index.get(variant) ?? []) candidates.add(candidate);
    }
    let best = word;
    let bestDistance = word.length >= 8 ? 3 : 2;
    let bestCount = 0;
    for (const candidate of candidates) {
      const distance = damerauLevenshtein(word, candidate);
      const count = this.known.get(candidate) ?? 0;
      if (distance < bestDistance || (distance === bestDistance && count > bestCount)) {
        best = candidate;
        bestDistance = distance;
        bestCount = count;
      }
    }
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    this.cache.set(word, best);
    return best;
  }
}
