/**
 * Yes/no answers to a prompt ("yeah", "y", "nope", "ok"). Only a message that starts with a
 * yes/no word and is short counts: "no one collected my bin" is not an answer "no".
 */
import type { YesNoEntity } from '../types.js';
import { alternation, entityWords } from './words.js';

const YES = new Set(entityWords.yes.map((w) => w.toLowerCase()));
const NO = new Set(entityWords.no.map((w) => w.toLowerCase()));
const LEADING = new RegExp(
  `^\\s*(${alternation([...entityWords.yes, ...entityWords.no].map((w) => w.toLowerCase()))})(?=$|[\\s.,!?]|\\p{Extended_Pictographic})`,
  'iu',
);
const MAX_WORDS = 6;

function clean(text: string): string {
  return text
    .toLowerCase()
    .replace(/[.,!?]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** A whole prompt answer: true, false, or null when it is neither. */
export function parseYesNo(text: string): boolean | null {
  const answer = clean(text);
  if (YES.has(answer)) return true;
  if (NO.has(answer)) return false;
  const found = findYesNo(text)[0];
  return found ? found.value : null;
}

export function findYesNo(text: string): YesNoEntity[] {
  if (text.length > 80 || text.trim().split(/\s+/).length > MAX_WORDS) return [];
  const match = LEADING.exec(text);
  if (!match || match[1] === undefined) return [];
  const word = match[1].toLowerCase();
  // "no one", "no bin": a determiner, not an answer.
  const rest = clean(text.slice(match.index + match[0].length));
  if (word === 'no' && rest && !/^(thanks|thank|ta|cheers|please|pls|its|it's|it is|that|not|i)\b/.test(rest))
    return [];
  const start = match.index + match[0].length - match[1].length;
  return [{ type: 'yesNo', text: match[1], start, end: start + match[1].length, value: YES.has(word) }];
}
