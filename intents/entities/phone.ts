/**
 * UK phone numbers in E.164 ("+447911123456"), via libphonenumber-js with GB as the default
 * country. A cheap pattern finds candidates first: libphonenumber's own text search costs about
 * 0.1 ms a call, which would dominate recognition of every message.
 */
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import type { PhoneEntity } from '../types.js';

// +44 or 0, then 9-10 more digits with optional single spaces, dashes or brackets between.
const CANDIDATE = /(?<![0-9+])(?:\+ ?44 ?(?:\(0\) ?)?|\(?0)(?:[ \-()]{0,2}[0-9]){9,10}(?![0-9])/g;

export function findPhones(text: string): PhoneEntity[] {
  if (!/[0-9](?:\D{0,2}[0-9]){8}/.test(text)) return [];
  const found: PhoneEntity[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    const phone = parsePhoneNumberFromString(match[0], 'GB');
    // isPossible rather than isValid: Ofcom's drama ranges (07700 900xxx), used in the demo
    // and in tests, are possible but not "valid" in libphonenumber's metadata.
    if (!phone || phone.countryCallingCode !== '44' || !phone.isPossible()) continue;
    found.push({
      type: 'phone',
      text: match[0],
      start: match.index,
      end: match.index + match[0].length,
      value: phone.number,
    });
  }
  return found;
}

export function parsePhone(text: string): string | null {
  return findPhones(text)[0]?.value ?? null;
}
