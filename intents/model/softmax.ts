/**
 * Multinomial logistic regression (softmax) trained by SGD with L2 regularisation, over sparse
 * vectors. natural's own LogisticRegressionClassifier is dense batch gradient descent and took
 * minutes on a corpus this size (measured on a public intent benchmark); this trains in well under a second. Weights are
 * feature-major (w[f * classes + c]) so scoring one sparse message reads contiguous memory.
 */
import type { SparseVector } from '../nlp/features.js';
import { mulberry32 } from './seededRandom.js';

export interface SoftmaxWeights {
  classes: number;
  features: number;
  weights: Float32Array;
  bias: Float32Array;
}

export interface TrainOptions {
  epochs: number;
  learningRate: number;
  l2: number;
  seed: number;
}

export const DEFAULT_TRAIN_OPTIONS: TrainOptions = { epochs: 30, learningRate: 0.5, l2: 1e-5, seed: 7 };

export function scores(
  model: SoftmaxWeights,
  x: SparseVector,
  out: Float64Array = new Float64Array(model.classes),
): Float64Array {
  const C = model.classes;
  for (let c = 0; c < C; c++) out[c] = model.bias[c] ?? 0;
  const { indices, values } = x;
  const w = model.weights;
  for (let k = 0; k < indices.length; k++) {
    const base = (indices[k] ?? 0) * C;
    const v = values[k] ?? 0;
    for (let c = 0; c < C; c++) out[c] = (out[c] ?? 0) + v * (w[base + c] ?? 0);
  }
  let max = -Infinity;
  for (let c = 0; c < C; c++) max = Math.max(max, out[c] ?? 0);
  let sum = 0;
  for (let c = 0; c < C; c++) {
    const e = Math.exp((out[c] ?? 0) - max);
    out[c] = e;
    sum += e;
  }
  for (let c = 0; c < C; c++) out[c] = (out[c] ?? 0) / sum;
  return out;
}

export function train(
  xs: SparseVector[],
  ys: number[],
  classes: number,
  features: number,
  options: TrainOptions = DEFAULT_TRAIN_OPTIONS,
  sampleWeights?: number[],
): SoftmaxWeights {
  const model: SoftmaxWeights = {
    classes,
    features,
    weights: new Float32Array(features * classes),
    bias: new Float32Array(classes),
  };
  const rand = mulberry32(options.seed);
  const order = xs.map((_, i) => i);
  const p = new Float64Array(classes);
  // Classes are weighted so the large None class does not drown the small ones.
  const counts = new Array<number>(classes).fill(0);
  for (const y of ys) counts[y] = (counts[y] ?? 0) + 1;
  const classWeight = counts.map((n) => (n ? xs.length / (classes * n) : 0)).map((w) => Math.sqrt(w));
  let step = 0;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      const t = order[i] ?? 0;
      order[i] = order[j] ?? 0;
      order[j] = t;
    }
    for (const i of order) {
      const x = xs[i];
      const y = ys[i];
      if (!x || y === undefined) continue;
      // Step size decays with epochs so late passes fine-tune rather than jump.
      const lr = options.learningRate / (1 + (0.1 * step++) / order.length);
      scores(model, x, p);
      const cw = (classWeight[y] ?? 1) * (sampleWeights?.[i] ?? 1);
      for (let c = 0; c < classes; c++) {
        const g = ((p[c] ?? 0) - (c === y ? 1 : 0)) * cw;
        model.bias[c] = (model.bias[c] ?? 0) - lr * g;
        for (let k = 0; k < x.indices.length; k++) {
          const idx = (x.indices[k] ?? 0) * classes + c;
          const w = model.weights[idx] ?? 0;
          model.weights[idx] = w - lr * (g * (x.values[k] ?? 0) + options.l2 * w);
        }
      }
    }
  }
  return model;
}
