/**
 * The trained model on disk: one JSON file with the float arrays as base64, so loading is one
 * JSON.parse and a few typed-array views (milliseconds), not parsing a million numbers. Written
 * atomically (temp file + rename): several processes (tests, the server) may load at once.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { z } from 'zod';
import { INTENT_NAMES } from '../types.js';
import type { ModelData } from './classifier.js';
import type { Calibration } from './calibrate.js';

/**
 * The cache lives with the other files the process writes (the SQLite database), under var/ in
 * the folder it runs from, never in the source tree: a read-only install (a container image)
 * still starts, and a checkout never shows it as a change. INTENT_MODEL_PATH moves it.
 */
export const DEFAULT_MODEL_PATH = resolve('var', 'intent-model.json');

const ModelFile = z.object({
  format: z.literal(1),
  fingerprint: z.string(),
  trainedAt: z.string(),
  labels: z.array(z.enum(INTENT_NAMES)),
  features: z.array(z.string()),
  idf: z.string(),
  weights: z.string(),
  bias: z.string(),
  spelling: z.array(z.tuple([z.string(), z.number()])),
  calibration: z.object({
    threshold: z.number().min(0).max(1),
    margin: z.number().min(0).max(1),
    inScopeAccuracy: z.number(),
    noneRecall: z.number(),
  }),
});

export interface StoredModel {
  fingerprint: string;
  trainedAt: string;
  data: ModelData;
  calibration: Calibration;
}

function encode(array: Float32Array): string {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength).toString('base64');
}

function decode(text: string): Float32Array {
  const bytes = Buffer.from(text, 'base64');
  // Copy into an aligned buffer: a Buffer's offset into Node's pool need not be 4-aligned.
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return new Float32Array(copy.buffer);
}

export function writeModel(path: string, model: StoredModel): void {
  const { data } = model;
  const body = {
    format: 1,
    fingerprint: model.fingerprint,
    trainedAt: model.trainedAt,
    labels: data.labels,
    features: data.features,
    idf: encode(data.idf),
    weights: encode(data.softmax.weights),
    bias: encode(data.softmax.bias),
    spelling: data.spelling,
    calibration: model.calibration,
  };
  mkdirSync(dirname(path), { recursive: true });
  const temp = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeFileSync(temp, JSON.stringify(body));
  renameSync(temp, path);
}

/** The stored model, or null if there is none or it cannot be read. */
export function readModel(path: string): StoredModel | null {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return null;
  }
  const parsed = ModelFile.safeParse(raw);
  if (!parsed.success) return null;
  const file = parsed.data;
  const weights = decode(file.weights);
  const bias = decode(file.bias);
  const idf = decode(file.idf);
  if (idf.length !== file.features.length || weights.length !== file.features.length * file.labels.length) return null;
  return {
    fingerprint: file.fingerprint,
    trainedAt: file.trainedAt,
    calibration: file.calibration,
    data: {
      labels: file.labels,
      features: file.features,
      idf,
      spelling: file.spelling,
      softmax: { classes: file.labels.length, features: file.features.length, weights, bias },
    },
  };
}
