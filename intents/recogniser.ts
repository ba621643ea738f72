/**
 * CouncilRecognizer: what the resident wants (intent, or None when unsure) and what they already
 * said (entities). Synchronous and bounded for any input; also usable as a botbuilder recognizer
 * (`recognize(context)` returns a RecognizerResult, like LUIS/CLU), so dialogs can swap it.
 */
import type { RecognizerResult, TurnContext } from 'botbuilder';
import { extractEntities, MAX_ENTITY_TEXT } from './entities/index.js';
import { IntentClassifier } from './model/classifier.js';
import { DEFAULT_MODEL_PATH } from './model/file.js';
import { keywordRule, referenceRule } from './rules.js';
import { loadOrTrain, type TrainingProgress } from './train.js';
import type { Entity, IntentScore, Recognition } from './types.js';

export interface LoadOptions {
  /** Where the trained model is cached; trained there if missing or stale. */
  modelPath?: string;
  /**
   * A council's own corpus lines (`<COUNCIL_DATA_DIR>/intents`), merged with the shipped corpus;
   * editing them changes the model fingerprint, so the next load retrains.
   */
  councilCorpusDir?: string;
  /**
   * Told when the cached model is missing or stale and training begins (it takes a while on a
   * first start), and when it is done, so a start is never silent for a minute.
   */
  onTraining?: TrainingProgress;
}

const NONE: IntentScore = { intent: 'None', score: 1 };

export class CouncilRecognizer {
  /** True when load() had to train because the cached model was missing or stale. */
  readonly trainedOnLoad: boolean;

  private constructor(
    private readonly classifier: IntentClassifier,
    trainedOnLoad: boolean,
  ) {
    this.trainedOnLoad = trainedOnLoad;
  }

  static async load(options: LoadOptions = {}): Promise<CouncilRecognizer> {
    const { model, trained } = loadOrTrain(
      options.modelPath ?? DEFAULT_MODEL_PATH,
      options.councilCorpusDir,
      options.onTraining,
    );
    return new CouncilRecognizer(new IntentClassifier(model.data, model.calibration), trained);
  }

  /** The threshold and margin in use, as calibrated at training. */
  get decision(): { threshold: number; margin: number } {
    return { ...this.classifier.decision };
  }

  /** Intent only (no entities): the decided intent and the model's top few. */
  classify(text: string): { intent: IntentScore; intents: IntentScore[] } {
    try {
      if (!/[\p{L}\p{N}]/u.test(text)) return { intent: NONE, intents: [NONE] };
      const rule = keywordRule(text.length > 200 ? '' : text);
      const probabilities = this.classifier.probabilities(text);
      const intents = this.classifier.ranked(probabilities);
      return { intent: rule ?? this.classifier.decide(probabilities), intents };
    } catch {
      // A bug in feature code must not cost a resident their answer: None hands to a person.
      return { intent: NONE, intents: [NONE] };
    }
  }

  recognise(text: string, now: Date = new Date()): Recognition {
    const input = typeof text === 'string' ? text : '';
    const { intent, intents } = this.classify(input);
    let decided = intent;
    let entities: Entity[];
    try {
      // Missed bins are reported afterwards: "they missed my bin monday" is the Monday gone.
      entities = extractEntities(input, now, decided.intent === 'bins.missed' ? 'past' : 'future');
      decided = referenceRule(input.slice(0, MAX_ENTITY_TEXT), entities) ?? decided;
    } catch {
      entities = [];
    }
    return { text: input, intent: decided.intent, score: decided.score, intents, entities };
  }

  /** The botbuilder Recognizer shape, for dialogs written against LUIS/CLU. */
  async recognize(context: TurnContext): Promise<RecognizerResult> {
    const text = context.activity?.text ?? '';
    const result = this.recognise(
      text,
      context.activity?.timestamp ? new Date(context.activity.timestamp) : new Date(),
    );
    return toRecognizerResult(result);
  }
}

/**
 * `intents` holds the decided intent first and the model's other candidates below it, so
 * botbuilder's getTopScoringIntent returns the decision (None when unsure); `entities` follows
 * the LUIS layout: values by type, spans under `$instance`.
 */
export function toRecognizerResult(result: Recognition): RecognizerResult {
  const intents: Record<string, { score: number }> = { [result.intent]: { score: result.score } };
  for (const candidate of result.intents) {
    if (candidate.intent in intents) continue;
    intents[candidate.intent] = { score: Math.min(candidate.score, result.score * 0.999) };
  }
  const values: Record<string, unknown[]> = {};
  const instances: Record<string, unknown[]> = {};
  for (const entity of result.entities) {
    const { type, text, start, end, ...value } = entity;
    (values[type] ??= []).push(value);
    (instances[type] ??= []).push({ type, text, startIndex: start, endIndex: end });
  }
  return { text: result.text, intents, entities: { ...values, $instance: instances }, candidates: result.intents };
}
