/**
 * Finds the property a resident typed ("14", "14 mill lane", "flat 2", "rose cottage",
 * "rose cotage") among a postcode's properties: the house or flat number first, as it is the
 * most reliable thing people type, then the house name, then a typo-tolerant comparison.
 * Deciding whether "3" on SMS means the third item of a numbered list is the dialog's job.
 */
import { jaroWinkler } from './jaroWinkler.js';
import type { Property } from './property.js';

export type AddressMatch =
  | { kind: 'one'; property: Property; how: 'number' | 'flat' | 'name' | 'similar' }
  | { kind: 'several'; properties: Property[] }
  | { kind: 'none' };

/** How alike words must be to count as the same name despite a typo. */
const SIMILAR = 0.88;
/** How far ahead the best similar name must be to be chosen over the next one. */
const CLEAR_LEAD = 0.04;

const ABBREVIATIONS: Record<string, string> = {
  rd: 'road',
  st: 'street',
  ln: 'lane',
  ave: 'avenue',
  av: 'avenue',
  cl: 'close',
  cres: 'crescent',
  dr: 'drive',
  gdns: 'gardens',
  gr: 'grove',
  ct: 'court',
  pl: 'place',
  sq: 'square',
  cott: 'cottage',
};

function normalise(text: string): string {
  return text
    .toLowerCase()
    .replace(/\b[a-z]{1,2}\d[a-z\d]?\s*\d[a-z]{2}\b/g, ' ') // a postcode typed along with the address
    .replace(/['’.]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .split(' ')
    .filter(Boolean)
    .map((word) => ABBREVIATIONS[word] ?? word)
    .filter((word, i) => !(i === 0 && word === 'the'))
    .join(' ');
}

function similarity(typed: string, property: Property): number {
  const name = normalise(property.houseName ?? '');
  const street = normalise(property.street);
  const candidates = [name, street, `${name} ${street}`.trim()].filter(Boolean);
  return Math.max(0, ...candidates.map((c) => (c === typed ? 1 : jaroWinkler(typed, c))));
}

function result(found: Property[], how: 'number' | 'flat' | 'name' | 'similar'): AddressMatch {
  if (found.length === 1) return { kind: 'one', property: found[0] as Property, how };
  return found.length === 0 ? { kind: 'none' } : { kind: 'several', properties: found };
}

export function matchAddress(properties: readonly Property[], text: string): AddressMatch {
  let rest = normalise(text);
  let flat: string | undefined;
  let number: string | undefined;
  rest = rest.replace(/\b(?:flat|apartment|apt|flt|unit)\s*(\d+[a-z]?|[a-z])\b/, (_m, f: string) => {
    flat = f;
    return ' ';
  });
  rest = rest
    .replace(/\b(\d+[a-z]?)\b/, (_m, n: string) => {
      number = n;
      return ' ';
    })
    .replace(/\s+/g, ' ')
    .trim();

  let found = [...properties];
  let how: 'number' | 'flat' | 'name' | 'similar' = 'name';
  if (flat !== undefined) {
    found = found.filter((p) => p.flat?.toLowerCase() === flat);
    how = 'flat';
  }
  if (number !== undefined) {
    const byNumber = found.filter((p) => p.houseNumber?.toLowerCase() === number);
    // "2 mill house": the number may be a flat's, named with its building instead of a street number.
    const byFlat =
      flat === undefined ? found.filter((p) => p.flat?.toLowerCase() === number && !byNumber.includes(p)) : [];
    if (rest === '' || byFlat.length === 0) {
      found = byNumber.length > 0 ? byNumber : byFlat;
      how = byNumber.length > 0 && flat === undefined ? 'number' : 'flat';
    } else {
      // The words decide between house 2 and flat 2; on a tie the house number wins.
      const scored = [...byNumber, ...byFlat].map((p) => ({ p, score: similarity(rest, p) }));
      const best = Math.max(0, ...scored.map((s) => s.score));
      const top = scored.filter((s) => s.score >= SIMILAR && best - s.score < 0.02).map((s) => s.p);
      const houses = top.filter((p) => byNumber.includes(p));
      found = houses.length > 0 ? houses : top.length > 0 ? top : byNumber;
      how = houses.length > 0 || top.length === 0 ? 'number' : 'flat';
      return result(found, how);
    }
  }
  if (rest === '') return flat === undefined && number === undefined ? { kind: 'none' } : result(found, how);

  if (flat !== undefined || number !== undefined) {
    // The number is the strong part; the words only narrow it, and a misspelt street must not
    // lose a match the number found.
    const narrowed = found.filter((p) => similarity(rest, p) >= SIMILAR);
    return result(narrowed.length > 0 ? narrowed : found, how);
  }

  const exact = found.filter((p) => normalise(p.houseName ?? '') === rest);
  if (exact.length > 0) return result(exact, 'name');
  const scored = found
    .map((property) => ({ property, score: similarity(rest, property) }))
    .filter((s) => s.score >= SIMILAR)
    .sort((a, b) => b.score - a.score);
  const [best, second] = scored;
  if (!best) return { kind: 'none' };
  if (!second || best.score - second.score >= CLEAR_LEAD)
    return { kind: 'one', property: best.property, how: 'similar' };
  return {
    kind: 'several',
    properties: scored.filter((s) => best.score - s.score < CLEAR_LEAD).map((s) => s.property),
  };
}
