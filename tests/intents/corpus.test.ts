import { describe, expect, it } from 'vitest';
import {
  BLIND_2026_11,
  BLIND_UK_OOD,
  REPORTED,
  isTest,
  loadBlindInScope,
  loadBlindNone,
  loadCorpus,
  loadHeldoutNone,
  MIN_PER_INTENT,
  split,
} from '../../intents/corpus.js';
import { INTENT_NAMES } from '../../intents/types.js';

describe('training corpus', () => {
  const corpus = loadCorpus();

  it('has enough examples for every intent in the taxonomy, and a large None set', () => {
    for (const intent of INTENT_NAMES) {
      expect(corpus.filter((e) => e.intent === intent).length, intent).toBeGreaterThanOrEqual(MIN_PER_INTENT);
    }
    expect(corpus.filter((e) => e.intent === 'None').length).toBeGreaterThanOrEqual(300);
  });

  it('keeps a fixed test split of about a fifth that training never sees', () => {
    const { train, test } = split(corpus);
    const trained = new Set(train.map((e) => e.text.toLowerCase()));
    expect(test.some((e) => trained.has(e.text.toLowerCase()))).toBe(false);
    // Generated lines only train; a fifth of the hand-written ones are kept for testing.
    const handWritten = corpus.filter((e) => !e.trainOnly);
    expect(test.length / handWritten.length).toBeGreaterThan(0.12);
    expect(test.length / handWritten.length).toBeLessThan(0.28);
    expect(test.some((e) => e.trainOnly)).toBe(false);
    // The split depends on the words alone, so it is the same on every machine and run.
    expect(test.every((e) => isTest(e.text))).toBe(true);
  });

  it('keeps the held-out None topics out of training and apart from each other', () => {
    const known = new Set(corpus.map((e) => e.text.toLowerCase()));
    const calibration = loadHeldoutNone('calibration').map((e) => e.text.toLowerCase());
    const test = loadHeldoutNone('test').map((e) => e.text.toLowerCase());
    expect(calibration.filter((t) => known.has(t))).toEqual([]);
    expect(test.filter((t) => known.has(t) || calibration.includes(t))).toEqual([]);
    expect(loadBlindInScope().every((e) => e.intent !== 'None')).toBe(true);
  });

  it('keeps the blind-2026-11 sets out of training, with both kinds of None topic', () => {
    const known = new Set(corpus.map((e) => e.text.toLowerCase()));
    const none = loadBlindNone();
    const inScope = loadBlindInScope(BLIND_2026_11.inScope);
    expect(none.filter((e) => known.has(e.text.toLowerCase())).map((e) => e.text)).toEqual([]);
    expect(inScope.filter((e) => known.has(e.text.toLowerCase())).map((e) => e.text)).toEqual([]);
    expect(new Set(none.map((e) => e.section))).toEqual(new Set(['reserved', 'familiar']));
    expect(none.length).toBeGreaterThanOrEqual(150);
    expect(inScope.length).toBeGreaterThanOrEqual(150);
    expect(inScope.every((e) => e.intent !== 'None')).toBe(true);
  });

  it('keeps the blind UK-phrasing and out-of-domain sets out of training, covering every intent and many domains', () => {
    const known = new Set(corpus.map((e) => e.text.toLowerCase()));
    const inScope = loadBlindInScope(BLIND_UK_OOD.inScope);
    const none = loadBlindNone(BLIND_UK_OOD.none);
    expect(inScope.filter((e) => known.has(e.text.toLowerCase())).map((e) => e.text)).toEqual([]);
    expect(none.filter((e) => known.has(e.text.toLowerCase())).map((e) => e.text)).toEqual([]);
    expect(new Set(inScope.map((e) => e.intent))).toEqual(new Set(INTENT_NAMES.filter((i) => i !== 'None')));
    expect(new Set(none.map((e) => e.section)).size).toBeGreaterThanOrEqual(9);
    expect(none.length).toBeGreaterThanOrEqual(200);
  });

  it('never trains on the phrasings reported as misread, so their test shows the model generalising', () => {
    const known = new Set(corpus.map((e) => e.text.toLowerCase()));
    const reported = loadBlindInScope(REPORTED);
    expect(reported.length).toBeGreaterThanOrEqual(17);
    expect(reported.filter((e) => known.has(e.text.toLowerCase())).map((e) => e.text)).toEqual([]);
  });
});
