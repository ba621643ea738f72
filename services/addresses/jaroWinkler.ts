/**
 * natural's Jaro-Winkler similarity, loaded by file: natural's index pulls in dotenv (which
 * reads .env and prints to stdout) and database drivers. @types/natural does not describe the
 * subpath, so the one function is typed here.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type JaroWinkler = (a: string, b: string, options?: { ignoreCase?: boolean }) => number;

/** 1 for identical strings, towards 0 for unrelated ones; forgiving of typos near the end. */
export const jaroWinkler = require('natural/lib/natural/distance/jaro-winkler_distance.js') as JaroWinkler;
