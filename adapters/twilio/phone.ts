/**
 * Residents' numbers: normalised to E.164 (libphonenumber-js, UK by default) so "07700 900123"
 * and "+447700900123" are one conversation, and turned into a conversation id by a keyed hash
 * so the id can appear in logs and storage keys without being the number.
 */
import { createHmac } from 'node:crypto';
import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

/** E.164, or undefined for short codes, alphanumeric senders and garbage. */
export function toE164(raw: string | undefined, defaultCountry: CountryCode = 'GB'): string | undefined {
  if (!raw) return undefined;
  const parsed = parsePhoneNumberFromString(raw.trim(), defaultCountry);
  if (!parsed || !parsed.isPossible()) return undefined;
  return parsed.number;
}

export function conversationIdFor(e164: string, key: Uint8Array): string {
  return `sms-${createHmac('sha256', key).update(e164).digest('base64url').slice(0, 27)}`;
}
