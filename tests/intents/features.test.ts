import { describe, expect, it } from 'vitest';
import { featureCounts, Vectoriser, words } from '../../intents/nlp/features.js';
import { SpellingCorrector } from '../../intents/nlp/spelling.js';

// A small vocabulary built the way training builds one, so the fast path can be compared with
// the path training takes (count feature strings, then weigh them).
const corpus = [
  'when is my bin collected',
  'my recycling bin was not emptied',
  'book a van permit for the tip',
  'cancel my tip permit',
  'how much council tax do i owe',
  'set an alarm for seven',
];
const counts = new Map<string, number>();
for (const text of corpus) for (const w of words(text)) counts.set(w, (counts.get(w) ?? 0) + 1);
const speller = new SpellingCorrector(counts);
const featureNames = [...new Set(corpus.flatMap((t) => [...featureCounts(t, speller).keys()]))].sort();
const idf = Float32Array.from(featureNames, (_, i) => 1 + (i % 7) / 3);
const vectoriser = new Vectoriser(new Map(featureNames.map((f, i) => [f, i])), idf, speller);

function dense(v: { indices: Int32Array; values: Float32Array }): number[] {
  const out = new Array<number>(featureNames.length).fill(0);
  v.indices.forEach((i, k) => (out[i] = v.values[k] ?? 0));
  return out;
}

describe('message features', () => {
  // The classifier reads messages through vectorise (cached per word); training through
  // featureCounts + weigh. If they drifted apart, the model would score features it never learnt.
  it.each([
    'when is my bin collected',
    'wen is my bin colected bin bin',
    'cancel it please, my van permit',
    'book a van permit for DF1 1AA on 14/12',
    'something else entirely about the weather',
    '',
    'bin bin bin bin bin',
  ])('gives the same vector for "%s" as the training path, however often it is asked', (text) => {
    const expected = dense(vectoriser.weigh(featureCounts(text, speller)));
    for (let round = 0; round < 3; round++) {
      const got = dense(vectoriser.vectorise(text));
      got.forEach((value, i) => expect(value).toBeCloseTo(expected[i] ?? 0, 6));
    }
  });
});
