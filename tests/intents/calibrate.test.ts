import { describe, expect, it } from 'vitest';
import { calibrate, type Scored } from '../../intents/model/calibrate.js';
import { INTENT_NAMES, type IntentName } from '../../intents/types.js';

const labels = [...INTENT_NAMES];

/** A message the model gives `p` for `intent` and the rest to None. */
function scored(gold: IntentName, intent: IntentName, p: number): Scored {
  const probabilities = new Float64Array(labels.length);
  probabilities[labels.indexOf(intent)] = p;
  probabilities[labels.indexOf('None')] = 1 - p;
  return { gold, probabilities };
}

describe('choosing the confidence threshold', () => {
  // Residents' messages all score 0.9; out-of-scope ones 0.25 (wrongly as bins) or 0.1.
  const messages: Scored[] = [
    ...Array.from({ length: 20 }, () => scored('bins.next_collection', 'bins.next_collection', 0.9)),
    ...Array.from({ length: 2 }, () => scored('None', 'bins.next_collection', 0.55)),
    ...Array.from({ length: 48 }, () => scored('None', 'None', 0.9)),
  ];

  it('answers every resident it can, and rejects what it should', () => {
    const c = calibrate(messages, labels);
    expect(c.inScopeAccuracy).toBe(1);
    expect(c.noneRecall).toBe(1);
  });

  it('sits in the middle of the settings that do equally well, not at their edge', () => {
    // From threshold 0.2 with a margin, or 0.56 without, to 0.9, every setting answers every
    // resident and rejects every None message. The lowest (0.2) would accept a guess scoring 0.25
    // as a bin question; the middle of the range leaves room on both sides.
    const c = calibrate(messages, labels);
    expect(c.threshold).toBeGreaterThan(0.4);
    expect(c.threshold).toBeLessThan(0.8);
  });
});
