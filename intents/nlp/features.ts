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

export class Vectoriser {
  constructor(
    private readonly index: Map<string, number>,
    private readonly idf: Float32Array,
    private readonly speller: SpellingCorrector | null,
  ) {}

  get size(): number {
    return this.idf.length;
  }

  vectorise(text: string): SparseVector {
    return this.weigh(featureCounts(text, this.speller));
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
