/**
 * Chooses the confidence threshold and ambiguity margin. In-scope examples are scored by models
 * that never saw them (k-fold over the training split); out-of-scope examples come from None's
 * own folds and from topics absent from None.txt (corpus/heldout/none-calibration.txt), because
 * tuning only on familiar topics over-estimates rejection (NLU-NOTES, lever 3).
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

export function calibrate(scored: Scored[], labels: IntentName[]): Calibration {
  const noneIndex = labels.indexOf('None');
  const inScope = scored.filter((s) => s.gold !== 'None');
  const none = scored.filter((s) => s.gold === 'None');
  let best: Calibration = { threshold: 0, margin: 0, inScopeAccuracy: 0, noneRecall: 0 };
  let bestObjective = -Infinity;
  for (let t = 0.2; t <= 0.9001; t += 0.01) {
    for (let m = 0; m <= 0.4001; m += 0.02) {
      const decision = { threshold: t, margin: m };
      const correct = inScope.filter((s) => decideIntent(s.probabilities, labels, noneIndex, decision).intent === s.gold).length;
      const rejected = none.filter((s) => decideIntent(s.probabilities, labels, noneIndex, decision).intent === 'None').length;
      const inScopeAccuracy = correct / Math.max(1, inScope.length);
      const noneRecall = rejected / Math.max(1, none.length);
      // Equal weight to answering residents and to not answering what we cannot do; ties go
      // to the lower threshold (fewer needless handoffs).
      const objective = inScopeAccuracy + noneRecall;
      if (objective > bestObjective + 1e-9) {
        bestObjective = objective;
        best = { threshold: Number(t.toFixed(2)), margin: Number(m.toFixed(2)), inScopeAccuracy, noneRecall };
      }
    }
  }
  return best;
}
