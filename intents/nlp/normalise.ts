/**
 * Turns a resident's message into the words the classifier sees: lower case, details masked
 * (a postcode, registration or reference becomes one placeholder word, so "bin day DF1 1AA"
 * and "bin day OX1 1AA" look the same to the model), text-speak expanded from
 * data/normalise.json. Entity extraction works on the original text, not this.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const NormaliseData = z.object({
  comment: z.string().optional(),
  replacements: z.record(z.string().min(1), z.string().min(1)),
  keep: z.array(z.string().regex(/^[a-z]+$/)),
});

const data = NormaliseData.parse(JSON.parse(readFileSync(new URL('../data/normalise.json', import.meta.url), 'utf8')));
const REPLACEMENTS = new Map(Object.entries(data.replacements));

/** Service words spelling correction leaves as typed ("hwrc" is not a typo of anything). */
export const KEEP_AS_TYPED: ReadonlySet<string> = new Set(data.keep);

/** Longest text the classifier reads; a pasted essay is judged on its opening. */
export const MAX_CLASSIFY_TEXT = 600;

// Cheap shapes, not validation: the model only needs to know "a postcode was here".
const MASKS: [RegExp, string][] = [
  [/(?<![a-z0-9])tp ?[-_/]? ?[0-9]{6}(?![0-9])/g, ' xxpermitref '],
  [/(?<![a-z0-9])mb ?[-_/]? ?[0-9]{6}(?![0-9])/g, ' xxmissedref '],
  [/(?<![a-z0-9])hc ?[-_/]? ?[0-9]{6}(?![0-9])/g, ' xxcaseref '],
  [/(?<![a-z0-9])[a-z]{1,2}[0-9][a-z0-9]? ?[0-9][a-z]{2}(?![a-z0-9])/g, ' xxpostcode '],
  [/(?<![a-z0-9])[a-z]{2}[0-9]{2} ?[a-z]{3}(?![a-z0-9])/g, ' xxreg '],
  [/(?<![0-9+])(?:\+ ?44|0)[0-9 ]{9,13}[0-9](?![0-9])/g, ' xxphone '],
  [/(?<![0-9])[0-9]{4} ?[0-9]{4}(?![0-9])/g, ' xxaccount '],
  [/[£$][0-9][0-9,.]*/g, ' xxmoney '],
  [/(?<![a-z0-9])[0-9]+(?:st|nd|rd|th)(?![a-z0-9])/g, ' xxordinal '],
  [/(?<![a-z])[0-9]+[a-z]?(?![a-z0-9])/g, ' xxnum '],
];

/** Lower-cased, masked, bounded text, before tokenising. */
export function maskText(text: string): string {
  let out = (text.length > MAX_CLASSIFY_TEXT ? text.slice(0, MAX_CLASSIFY_TEXT) : text).toLowerCase();
  // Apostrophes dropped: residents write "im" and "i'm" alike, and the lists use the short form.
  out = out.replace(/['’‘`]/g, '');
  // "hiiii", "byeeee", "pleeease": a letter held down is the same word.
  out = out.replace(/([a-z])\1{2,}/g, '$1');
  // Every mask needs a digit (or a currency sign): most messages have none, so skip them all.
  if (/[0-9£$]/.test(out)) for (const [pattern, word] of MASKS) out = out.replace(pattern, word);
  return out;
}

/** Expands text-speak for one token; may return several words ("ctax" -> "council tax"). */
export function expandToken(token: string): string[] {
  const replacement = REPLACEMENTS.get(token);
  return replacement ? replacement.split(' ') : [token];
}
