/**
 * Features for the classifier, from one message:
 * - word unigrams and bigrams over stemmed, spelling-corrected tokens (natural's aggressive
 *   tokenizer and Porter stemmer): they carry the meaning ("missed" + "bin");
 * - character 3-5-grams of each word as typed: they tolerate typos the corrector misses and,
 *   above all, help reject messages about other topics (both measured).
 * Weighted TF-IDF (sublinear tf) and L2-normalised, as a sparse vector over a vocabulary fixed
 * at training time. Unknown features are dropped.
 */
import { porterStemmer, tokenizer } from './natural.js';
import { expandToken, maskText } from './normalise.js';
import type { SpellingCorrector } from './spelling.js';

export interface SparseVector {
  indices: Int32Array;
  values: Float32Array;
}

const STEM_CACHE_LIMIT = 50_000;

const stemCache = new Map<string, string>();

function stem(word: string): string {
  if (word.startsWith('xx')) return word;
  let stemmed = stemCache.get(word);
  if (stemmed === undefined) {
    stemmed = porterStemmer.stem(word);
    if (stemCache.size >= STEM_CACHE_LIMIT) stemCache.clear();
    stemCache.set(word, stemmed);
  }
  return stemmed;
}

/** The words of a message after masking and text-speak expansion, before correction. */
export function words(text: string): string[] {
  const out: string[] = [];
  for (const token of tokenizer.tokenize(maskText(text))) {
    for (const word of expandToken(token)) out.push(word);
  }
  return out;
}

/** Raw feature strings with counts, before the vocabulary is applied. */
export function featureCounts(text: string, speller: SpellingCorrector | null): Map<string, number> {
  const counts = new Map<string, number>();
  const add = (feature: string): void => {
    counts.set(feature, (counts.get(feature) ?? 0) + 1);
  };
  const typed = words(text);
  const stems = typed.map((w) => stem(speller ? speller.correct(w) : w));
  for (let i = 0; i < stems.length; i++) {
    add(`w:${stems[i]}`);
    if (i > 0) add(`b:${stems[i - 1]}_${stems[i]}`);
  }
  for (const word of typed) {
    if (word.startsWith('xx')) continue;
    const padded = ` ${word} `;
    for (let n = 3; n <= 5; n++) {
      for (let i = 0; i + n <= padded.length; i++) add(`c:${padded.slice(i, i + n)}`);
    }
  }
  return counts;
}

/** What one typed word contributes, worked out once per word and reused for every message. */
interface WordFeatures {
  /** The stem after spelling correction: the unigram, and one half of each bigram. */
  stem: string;
  /** Vocabulary index of the unigram, or -1. */
  unigram: number;
  /** Vocabulary indices of the word's character n-grams (repeats kept: they are counts). */
  chars: Int32Array;
  /** Bigram indices (or -1) by the next word's stem, filled as pairs are met. */
  next: Map<string, number>;
}

/** Distinct words remembered; residents' vocabulary is small, so this is rarely reached. */
const WORD_CACHE_LIMIT = 50_000;
/** Bigrams remembered per word. */
const MAX_NEXT_PER_WORD = 64;

export class Vectoriser {
  private readonly wordCache = new Map<string, WordFeatures>();
  /** Counts per feature for the message being vectorised; zeroed again after each use. */
  private readonly counts: Float64Array;
  private readonly touched: number[] = [];

  constructor(
    private readonly index: Map<string, number>,
    private readonly idf: Float32Array,
    private readonly speller: SpellingCorrector | null,
  ) {
    this.counts = new Float64Array(idf.length);
  }

  get size(): number {
    return this.idf.length;
  }

  /**
   * The same vector as weigh(featureCounts(text)), without building a string per n-gram for
   * every message: a word's stem and n-gram indices are computed the first time it is seen.
   * This is what makes recognition cheap enough for a busy server (most time went on strings
   * and map lookups for n-grams of words seen thousands of times).
   */
  vectorise(text: string): SparseVector {
    let previous: WordFeatures | null = null;
    for (const word of words(text)) {
      const features = this.featuresOf(word);
      this.count(features.unigram);
      if (previous !== null) {
        let bigram = previous.next.get(features.stem);
        if (bigram === undefined) {
          bigram = this.index.get(`b:${previous.stem}_${features.stem}`) ?? -1;
          // Bounded, so varied traffic cannot grow one word's list without limit.
          if (previous.next.size < MAX_NEXT_PER_WORD) previous.next.set(features.stem, bigram);
        }
        this.count(bigram);
      }
      previous = features;
      for (let k = 0; k < features.chars.length; k++) this.count(features.chars[k] ?? -1);
    }
    const n = this.touched.length;
    const indices = new Int32Array(n);
    const values = new Float32Array(n);
    let norm = 0;
    for (let k = 0; k < n; k++) {
      const i = this.touched[k] ?? 0;
      const value = (1 + Math.log(this.counts[i] ?? 1)) * (this.idf[i] ?? 0);
      this.counts[i] = 0;
      indices[k] = i;
      values[k] = value;
      norm += value * value;
    }
    this.touched.length = 0;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < n; k++) values[k] = (values[k] ?? 0) / norm;
    return { indices, values };
  }

  private count(i: number): void {
    if (i < 0) return;
    if (this.counts[i] === 0) this.touched.push(i);
    this.counts[i] = (this.counts[i] ?? 0) + 1;
  }

  private featuresOf(word: string): WordFeatures {
    const cached = this.wordCache.get(word);
    if (cached) return cached;
    const stemmed = stem(this.speller ? this.speller.correct(word) : word);
    const chars: number[] = [];
    if (!word.startsWith('xx')) {
      const padded = ` ${word} `;
      for (let n = 3; n <= 5; n++) {
        for (let i = 0; i + n <= padded.length; i++) {
          const at = this.index.get(`c:${padded.slice(i, i + n)}`);
          if (at !== undefined) chars.push(at);
        }
      }
    }
    const features: WordFeatures = {
      stem: stemmed,
      unigram: this.index.get(`w:${stemmed}`) ?? -1,
      chars: Int32Array.from(chars),
      next: new Map(),
    };
    if (this.wordCache.size >= WORD_CACHE_LIMIT) this.wordCache.clear();
    this.wordCache.set(word, features);
    return features;
  }

  /** TF-IDF weights of features already counted, L2-normalised; unknown features dropped. */
  weigh(counts: Map<string, number>): SparseVector {
    const indices: number[] = [];
    const values: number[] = [];
    let norm = 0;
    for (const [feature, count] of counts) {
      const i = this.index.get(feature);
      if (i === undefined) continue;
      const value = (1 + Math.log(count)) * (this.idf[i] ?? 0);
      indices.push(i);
      values.push(value);
      norm += value * value;
    }
    norm = Math.sqrt(norm) || 1;
    const out = new Float32Array(values.length);
    for (let k = 0; k < values.length; k++) out[k] = (values[k] ?? 0) / norm;
    return { indices: Int32Array.from(indices), values: out };
  }
}
