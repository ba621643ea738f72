/** Phone numbers stored with a permit in E.164, so "07700 900123" and "+447700900123" find the same permits. */
import { parsePhoneNumberFromString } from 'libphonenumber-js';

export function normalisePhone(text: string): string | null {
  const phone = parsePhoneNumberFromString(text.trim(), 'GB');
  // isPossible rather than isValid: Ofcom's drama ranges (07700 900xxx) are used in demos and tests.
  return phone && phone.isPossible() ? phone.number : null;
}
