/**
 * Training, once: the training split (never the test split) trains the model; k-fold scores on
 * the same split plus held-out None topics choose the threshold and margin; the result is cached
 * with a fingerprint of everything it was built from, and rebuilt when that changes.
 */
import { readFileSync } from 'node:fs';
import {
  corpusFingerprint,
  councilCorpusFingerprintParts,
  loadCorpus,
  loadCouncilCorpus,
  loadHeldoutNone,
  split,
  withCouncilAdditions,
  type Example,
} from './corpus.js';
import { calibrate, type Scored } from './model/calibrate.js';
import { buildModel, IntentClassifier, type FeatureCache } from './model/classifier.js';
import { DEFAULT_TRAIN_OPTIONS } from './model/softmax.js';
import { readModel, writeModel, type StoredModel } from './model/file.js';
import { keywordRule } from './rules.js';

/** Bump when features, training or the file format change, to invalidate cached models. */
const MODEL_VERSION = 'softmax-tfidf-w12-c35-v6';
// Three folds, not five: with the generated corpus each fold costs seconds of CPU at first start.
const FOLDS = 3;

/** The data files training reads besides the corpus: normalisation, and the keyword rules that calibration skips. */
const TRAINING_DATA = ['./data/normalise.json', './data/rules.json'];

/** A hash of everything training reads: shipped corpus, data files, a council's additions. */
export function fingerprint(councilCorpusDir?: string): string {
  return corpusFingerprint([
    MODEL_VERSION,
    ...TRAINING_DATA.map((file) => readFileSync(new URL(file, import.meta.url), 'utf8')),
    ...councilCorpusFingerprintParts(councilCorpusDir),
  ]);
}

/**
 * Scores from models that never saw the message: each fold's model scores its held-out part of
 * the training split and every calibration None message. In-scope and out-of-scope messages are
 * thus judged by equally trained models; scoring the None topics with the (more confident) full
 * model instead pushed the threshold too high.
 */
function outOfFold(train: Example[], calibrationNone: Example[], cache: FeatureCache): Scored[] {
  const scored: Scored[] = [];
  // Only hand-written messages are scored: generated ones are easy, and would pull the threshold down.
  const handWritten = train.filter((e) => !e.trainOnly);
  const generated = train.filter((e) => e.trainOnly);
  for (let fold = 0; fold < FOLDS; fold++) {
    const fit = [...handWritten.filter((_, i) => i % FOLDS !== fold), ...generated];
    const held = handWritten.filter((_, i) => i % FOLDS === fold);
    const classifier = new IntentClassifier(buildModel(fit, DEFAULT_TRAIN_OPTIONS, cache), { threshold: 0, margin: 0 });
    for (const example of [...held, ...calibrationNone]) {
      // Messages the keyword rules decide never reach the threshold, so they do not tune it.
      if (keywordRule(example.text)) continue;
      scored.push({ gold: example.intent, probabilities: Float64Array.from(classifier.probabilities(example.text)) });
    }
  }
  return scored;
}

/** `councilCorpusDir`: a council's own lines (see loadCouncilCorpus), trained on with the shipped corpus. */
export function trainModel(councilCorpusDir?: string): StoredModel {
  const shipped = split(loadCorpus()).train;
  const train = councilCorpusDir ? withCouncilAdditions(shipped, loadCouncilCorpus(councilCorpusDir)) : shipped;
  const cache: FeatureCache = new Map();
  const data = buildModel(train, DEFAULT_TRAIN_OPTIONS, cache);
  const calibration = calibrate(outOfFold(train, loadHeldoutNone('calibration'), cache), data.labels);
  return { fingerprint: fingerprint(councilCorpusDir), trainedAt: new Date().toISOString(), data, calibration };
}

/** Who wants to know that training began (the cache was missing or stale) and when it ended. */
export interface TrainingProgress {
  started(info: { path: string; reason: 'missing' | 'stale' }): void;
  finished(info: { path: string; ms: number }): void;
}

/** The cached model if it matches the corpus, else a freshly trained (and cached) one. */
export function loadOrTrain(
  path: string,
  councilCorpusDir?: string,
  progress?: TrainingProgress,
): { model: StoredModel; trained: boolean } {
  const current = fingerprint(councilCorpusDir);
  const cached = readModel(path);
  if (cached && cached.fingerprint === current) return { model: cached, trained: false };
  progress?.started({ path, reason: cached ? 'stale' : 'missing' });
  const began = Date.now();
  const model = trainModel(councilCorpusDir);
  writeModel(path, model);
  progress?.finished({ path, ms: Date.now() - began });
  return { model, trained: true };
}
