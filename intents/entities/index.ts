/**
 * All entity extractors over one message. Where two spans overlap, the more specific kind wins
 * (a reference over a phone number, a postcode over a registration, an account number over a
 * house number), so "DF1 1AA" is never also a registration and "TP-123456" never a date.
 */
import type { Entity, EntityType } from '../types.js';
import { findAccountNumbers } from './accountNumber.js';
import { findDates, type Preference } from './dates.js';
import { findHouseNumbers } from './houseNumber.js';
import { findPhones } from './phone.js';
import { findPostcodes } from './postcode.js';
import { findReferences } from './references.js';
import { findRegistrations } from './registration.js';
import { findYesNo } from './yesNo.js';

export { parseAccountNumber, findAccountNumbers } from './accountNumber.js';
export { parseDate, findDates, type Preference } from './dates.js';
export { parseHouseNumber, findHouseNumbers } from './houseNumber.js';
export { parsePhone, findPhones } from './phone.js';
export { parsePostcode, findPostcodes } from './postcode.js';
export { parseReference, findReferences } from './references.js';
export { parseRegistration, findRegistrations } from './registration.js';
export { parseYesNo, findYesNo } from './yesNo.js';

/** Longest text examined: enough for any real message, bounded for pasted essays. */
export const MAX_ENTITY_TEXT = 1000;

const PRIORITY: EntityType[] = [
  'permitRef',
  'missedBinRef',
  'caseRef',
  'postcode',
  'phone',
  'accountNumber',
  'registration',
  'date',
  'houseNumber',
  'yesNo',
];

export function extractEntities(text: string, now: Date = new Date(), prefer: Preference = 'future'): Entity[] {
  const input = text.length > MAX_ENTITY_TEXT ? text.slice(0, MAX_ENTITY_TEXT) : text;
  if (!/[0-9A-Za-z]/.test(input) && !/\p{Extended_Pictographic}/u.test(input)) return [];
  // References, postcodes, phone and account numbers and registrations all hold a digit; most
  // messages have none, and skipping their patterns is a good part of recognition's speed.
  const digits = /[0-9]/.test(input);
  const candidates: Entity[] = digits
    ? [
        ...findReferences(input),
        ...findPostcodes(input),
        ...findPhones(input),
        ...findAccountNumbers(input),
        ...findRegistrations(input),
        ...findDates(input, now, prefer),
        ...findHouseNumbers(input),
        ...findYesNo(input),
      ]
    : [...findDates(input, now, prefer), ...findHouseNumbers(input), ...findYesNo(input)];
  if (candidates.length === 0) return candidates;
  candidates.sort((a, b) => PRIORITY.indexOf(a.type) - PRIORITY.indexOf(b.type) || a.start - b.start);
  const kept: Entity[] = [];
  for (const entity of candidates) {
    if (kept.some((k) => k.start < entity.end && entity.start < k.end)) continue;
    kept.push(entity);
  }
  return kept.sort((a, b) => a.start - b.start);
}
