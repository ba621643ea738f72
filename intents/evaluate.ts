/**
 * Figures on data training never saw: the test split of every intent file and the None topics
 * in corpus/heldout/none-test.txt (absent from training and from threshold tuning).
 */
import {
  BLIND_PAIRS,
  loadBlindInScope,
  loadBlindNone,
  loadCorpus,
  loadHeldoutNone,
  split,
  type BlindPair,
  type Example,
} from './corpus.js';
import type { CouncilRecognizer } from './recogniser.js';
import { INTENT_NAMES, type IntentName } from './types.js';

export interface IntentFigures {
  intent: IntentName;
  support: number;
  precision: number;
  recall: number;
}

export interface Confusion {
  gold: IntentName;
  predicted: IntentName;
  count: number;
  examples: string[];
}

export interface BlindPairFigures {
  name: string;
  inScope: { count: number; duplicatesOfTraining: number; accuracy: number; rejected: number; wrongIntent: number };
  none: {
    count: number;
    duplicatesOfTraining: number;
    recall: number;
    bySection: { section: string; count: number; recall: number }[];
  };
  auroc: number;
  misses: string[];
}

export interface Evaluation {
  counts: { inScope: number; noneSplit: number; noneUnseenTopics: number };
  inScopeAccuracy: number;
  /** In-scope messages answered with the wrong in-scope intent (the worst outcome). */
  inScopeWrongIntent: number;
  /** In-scope messages sent to None (a handoff or "I didn't understand"). */
  inScopeRejected: number;
  noneRecall: number;
  noneRecallSplit: number;
  noneRecallUnseenTopics: number;
  nonePrecision: number;
  falseAcceptRate: number;
  auroc: number;
  perIntent: IntentFigures[];
  confusions: Confusion[];
  decision: { threshold: number; margin: number };
  /** The blind in-scope set (minus any line also in training): accuracy and how many. */
  blind: { count: number; duplicatesOfTraining: number; accuracy: number; rejected: number; misses: string[] };
  /**
   * The blind pairs (corpus/heldout/blind-*), each written before the corpus work it measures and
   * never tuned on: in-scope accuracy, and None recall per section of the out-of-scope file.
   */
  blindPairs: BlindPairFigures[];
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

/** Area under the ROC curve: chance that an in-scope message outscores an out-of-scope one. */
export function auroc(positives: number[], negatives: number[]): number {
  const all = [...positives.map((s) => ({ s, p: 1 })), ...negatives.map((s) => ({ s, p: 0 }))].sort(
    (a, b) => a.s - b.s,
  );
  let rankSum = 0;
  for (let i = 0; i < all.length;) {
    let j = i;
    while (j < all.length && all[j]?.s === all[i]?.s) j++;
    const rank = (i + j + 1) / 2;
    for (let k = i; k < j; k++) if (all[k]?.p) rankSum += rank;
    i = j;
  }
  const n1 = positives.length;
  const n0 = negatives.length;
  return ratio(rankSum - (n1 * (n1 + 1)) / 2, n1 * n0);
}

type Judged<T extends Example> = T & { predicted: IntentName; inScopeScore: number };

/** The recogniser's decision on an example, and its best in-scope score (for AUROC). */
function judge<T extends Example>(recogniser: CouncilRecognizer, example: T): Judged<T> {
  const { intent, intents } = recogniser.classify(example.text);
  return { ...example, predicted: intent.intent, inScopeScore: intents.find((i) => i.intent !== 'None')?.score ?? 0 };
}

/** A line that (later) also appears in training would flatter a figure: it is left out (and counted). */
function notInTraining<T extends Example>(examples: T[], trained: Set<string>): T[] {
  return examples.filter((e) => !trained.has(e.text.toLowerCase()));
}

const rejectedShare = (rs: { predicted: IntentName }[]) =>
  ratio(rs.filter((r) => r.predicted === 'None').length, rs.length);

/** A blind in-scope set's figures: `judged` are the lines of `all` not also in training. */
function blindInScope(all: Example[], judged: Judged<Example>[]) {
  return {
    count: judged.length,
    duplicatesOfTraining: all.length - judged.length,
    accuracy: ratio(judged.filter((r) => r.predicted === r.intent).length, judged.length),
    rejected: rejectedShare(judged),
  };
}

export function evaluate(recogniser: CouncilRecognizer): Evaluation {
  const { train, test } = split(loadCorpus());
  const trained = new Set(train.map((e) => e.text.toLowerCase()));
  const blindAll = loadBlindInScope();
  const blindResults = notInTraining(blindAll, trained).map((e) => judge(recogniser, e));
  const unseenTopics = loadHeldoutNone('test');
  const all: (Example & { unseen: boolean })[] = [
    ...test.map((e) => ({ ...e, unseen: false })),
    ...unseenTopics.map((e) => ({ ...e, unseen: true })),
  ];
  const results = all.map((e) => judge(recogniser, e));
  const inScope = results.filter((r) => r.intent !== 'None');
  const none = results.filter((r) => r.intent === 'None');
  const noneSplit = none.filter((r) => !r.unseen);
  const noneUnseen = none.filter((r) => r.unseen);
  const rejected = (rs: typeof results) => rs.filter((r) => r.predicted === 'None').length;

  const perIntent = INTENT_NAMES.map((intent) => {
    const gold = results.filter((r) => r.intent === intent);
    const predicted = results.filter((r) => r.predicted === intent);
    const hits = gold.filter((r) => r.predicted === intent).length;
    return { intent, support: gold.length, precision: ratio(hits, predicted.length), recall: ratio(hits, gold.length) };
  });
  const confusionMap = new Map<string, Confusion>();
  for (const r of results) {
    if (r.predicted === r.intent) continue;
    const key = `${r.intent}>${r.predicted}`;
    const c = confusionMap.get(key) ?? { gold: r.intent, predicted: r.predicted, count: 0, examples: [] };
    c.count++;
    if (c.examples.length < 3) c.examples.push(r.text);
    confusionMap.set(key, c);
  }
  const predictedNone = results.filter((r) => r.predicted === 'None');
  return {
    counts: { inScope: inScope.length, noneSplit: noneSplit.length, noneUnseenTopics: noneUnseen.length },
    inScopeAccuracy: ratio(inScope.filter((r) => r.predicted === r.intent).length, inScope.length),
    inScopeWrongIntent: ratio(
      inScope.filter((r) => r.predicted !== r.intent && r.predicted !== 'None').length,
      inScope.length,
    ),
    inScopeRejected: ratio(rejected(inScope), inScope.length),
    noneRecall: ratio(rejected(none), none.length),
    noneRecallSplit: ratio(rejected(noneSplit), noneSplit.length),
    noneRecallUnseenTopics: ratio(rejected(noneUnseen), noneUnseen.length),
    nonePrecision: ratio(predictedNone.filter((r) => r.intent === 'None').length, predictedNone.length),
    falseAcceptRate: ratio(none.length - rejected(none), none.length),
    auroc: auroc(
      inScope.map((r) => r.inScopeScore),
      none.map((r) => r.inScopeScore),
    ),
    perIntent,
    confusions: [...confusionMap.values()].sort((a, b) => b.count - a.count).slice(0, 12),
    decision: recogniser.decision,
    blind: {
      ...blindInScope(blindAll, blindResults),
      misses: blindResults
        .filter((r) => r.predicted !== r.intent)
        .map((r) => `${r.intent} -> ${r.predicted}: ${JSON.stringify(r.text)}`),
    },
    blindPairs: BLIND_PAIRS.map((pair) => evaluateBlindPair(recogniser, trained, pair)),
  };
}

/** One blind pair's figures: in-scope accuracy, None recall per section, AUROC and the misses. */
function evaluateBlindPair(recogniser: CouncilRecognizer, trained: Set<string>, pair: BlindPair): BlindPairFigures {
  const inScopeAll = loadBlindInScope(pair.inScope);
  const noneAll = loadBlindNone(pair.none);
  const inScope = notInTraining(inScopeAll, trained).map((e) => judge(recogniser, e));
  const none = notInTraining(noneAll, trained).map((e) => judge(recogniser, e));
  const sections = [...new Set(none.map((r) => r.section))];
  return {
    name: pair.name,
    inScope: {
      ...blindInScope(inScopeAll, inScope),
      wrongIntent: ratio(
        inScope.filter((r) => r.predicted !== r.intent && r.predicted !== 'None').length,
        inScope.length,
      ),
    },
    none: {
      count: none.length,
      duplicatesOfTraining: noneAll.length - none.length,
      recall: rejectedShare(none),
      bySection: sections.map((section) => {
        const rs = none.filter((r) => r.section === section);
        return { section, count: rs.length, recall: rejectedShare(rs) };
      }),
    },
    auroc: auroc(
      inScope.map((r) => r.inScopeScore),
      none.map((r) => r.inScopeScore),
    ),
    misses: [...inScope, ...none]
      .filter((r) => r.predicted !== r.intent)
      .map((r) => `${r.intent} -> ${r.predicted}: ${JSON.stringify(r.text)}`),
  };
}
