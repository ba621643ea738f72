/**
 * UK postcodes: a full postcode anywhere in a message, any case, with or without the space
 * ("df11aa", "DF1 1AA"). Validated with the `postcode` library; an outward code alone ("OX4")
 * is not a postcode and is not returned.
 */
import { isValid, parse } from 'postcode';
import type { PostcodeEntity } from '../types.js';

// Outward code then inward code, at most one run of spaces between them. Bounded, so no
// catastrophic backtracking on long input.
const CANDIDATE = /(?<![A-Za-z0-9])([A-Za-z]{1,2}[0-9][A-Za-z0-9]?) {0,3}([0-9][A-Za-z]{2})(?![A-Za-z0-9])/g;

function toEntity(text: string, start: number): PostcodeEntity | null {
  if (!isValid(text)) return null;
  const parsed = parse(text);
  if (!parsed.valid) return null;
  return {
    type: 'postcode',
    text,
    start,
    end: start + text.length,
    value: parsed.postcode,
    outward: parsed.outcode,
    inward: parsed.incode,
  };
}

export function findPostcodes(text: string): PostcodeEntity[] {
  const found: PostcodeEntity[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const entity = toEntity(match[0], match.index);
    if (entity) found.push(entity);
  }
  return found;
}

/** A prompt's answer as a postcode: "df11aa" -> "DF1 1AA"; null when there is none. */
export function parsePostcode(text: string): string | null {
  return findPostcodes(text)[0]?.value ?? null;
}
