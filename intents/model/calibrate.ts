/**
 * Chooses the confidence threshold and ambiguity margin. In-scope examples are scored by models
 * that never saw them (k-fold over the training split); out-of-scope examples come from None's
 * own folds and from topics absent from None.txt (corpus/heldout/none-calibration.txt), because
 * tuning only on familiar topics over-estimates rejection.
 */
import type { IntentName } from '../types.js';
import { decideIntent, type Decision } from './classifier.js';

export interface Scored {
  gold: IntentName;
  probabilities: Float64Array;
}

export interface Calibration extends Decision {
  inScopeAccuracy: number;
  noneRecall: number;
}

/**
 * The None recall the calibration must reach: above the 90% the council asked for, because
 * rejection measured on tuning data over-estimates rejection on new topics.
 */
export const NONE_RECALL_TARGET = 0.92;

export function calibrate(scored: Scored[], labels: IntentName[]): Calibration {
  const noneIndex = labels.indexOf('None');
  const inScope = scored.filter((s) => s.gold !== 'None');
  const none = scored.filter((s) => s.gold === 'None');
  const grid: Calibration[] = [];
  for (let t = 0.2; t <= 0.9001; t += 0.01) {
    for (let m = 0; m <= 0.4001; m += 0.02) {
      const decision = { threshold: t, margin: m };
      const correct = inScope.filter(
        (s) => decideIntent(s.probabilities, labels, noneIndex, decision).intent === s.gold,
      ).length;
      const rejected = none.filter(
        (s) => decideIntent(s.probabilities, labels, noneIndex, decision).intent === 'None',
      ).length;
      grid.push({
        threshold: Number(t.toFixed(2)),
        margin: Number(m.toFixed(2)),
        inScopeAccuracy: correct / Math.max(1, inScope.length),
        noneRecall: rejected / Math.max(1, none.length),
      });
    }
  }
  // The most residents answered correctly while rejecting enough of what we cannot do; if no
  // setting reaches the target, the best balance of the two. Among settings that answer as many
  // residents, the one rejecting the most out-of-scope messages; among those, the middle one.
  // (Taking the lowest tied threshold, as before, sat at the edge of the plateau: it accepted
  // guesses at 0.2 such as "and what about 22 mill lane" as a band question, and moved with any
  // corpus change.)
  const meeting = grid.filter((g) => g.noneRecall >= NONE_RECALL_TARGET);
  const pool = meeting.length ? meeting : grid;
  const value = (g: Calibration): number => (meeting.length ? g.inScopeAccuracy : g.inScopeAccuracy + g.noneRecall);
  const bestValue = Math.max(...pool.map(value));
  const best = pool.filter((g) => value(g) >= bestValue - 1e-9);
  const bestRecall = Math.max(...best.map((g) => g.noneRecall));
  const tied = best
    .filter((g) => g.noneRecall >= bestRecall - 1e-9)
    .sort((a, b) => a.threshold - b.threshold || a.margin - b.margin);
  return tied[Math.floor((tied.length - 1) / 2)] ?? pool[0]!;
}
