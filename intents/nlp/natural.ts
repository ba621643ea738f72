/**
 * The parts of `natural` we use, loaded by file rather than through its index. Its index pulls in
 * dotenv (which reads a .env in the working directory into process.env and prints to stdout,
 * breaking `intents classify`'s JSON-only output) and storage back-ends (mongoose, pg, redis);
 * these files pull in none of that. @types/natural does not describe the subpaths, so the small
 * surface we call is typed here.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

interface Stemmer {
  stem(token: string): string;
}
interface Tokenizer {
  tokenize(text: string): string[];
}
type TokenizerClass = new () => Tokenizer;
interface DistanceOptions {
  transposition_cost?: number;
}
type Distance = (source: string, target: string, options?: DistanceOptions) => number;

export const porterStemmer = require('natural/lib/natural/stemmers/porter_stemmer.js') as Stemmer;
const AggressiveTokenizer = require('natural/lib/natural/tokenizers/aggressive_tokenizer.js') as TokenizerClass;
export const tokenizer: Tokenizer = new AggressiveTokenizer();
const distances = require('natural/lib/natural/distance/levenshtein_distance.js') as {
  DamerauLevenshteinDistance: Distance;
};
export const damerauLevenshtein: Distance = distances.DamerauLevenshteinDistance;
