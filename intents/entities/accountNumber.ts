/**
 * Council tax account numbers: 8 digits, sometimes typed in two groups ("5000 1234"). A run of
 * digits longer than 8 (a phone number, a bank card) is not an account number.
 */
import type { AccountNumberEntity } from '../types.js';

const CANDIDATE = /(?<![0-9+])([0-9]{4})[ -]?([0-9]{4})(?![0-9])/g;

export function findAccountNumbers(text: string): AccountNumberEntity[] {
  const found: AccountNumberEntity[] = [];
  for (const match of text.matchAll(CANDIDATE)) {
    // "07911 1234 5678": the digits before belong to something longer.
    const before = text.slice(Math.max(0, match.index - 2), match.index);
    if (/[0-9] $|[0-9]-$/.test(before)) continue;
    const after = text.slice(match.index + match[0].length, match.index + match[0].length + 2);
    if (/^ [0-9]|^-[0-9]/.test(after)) continue;
    found.push({
      type: 'accountNumber',
      text: match[0],
      start: match.index,
      end: match.index + match[0].length,
      value: `${match[1] ?? ''}${match[2] ?? ''}`,
    });
  }
  return found;
}

export function parseAccountNumber(text: string): string | null {
  return findAccountNumbers(text)[0]?.value ?? null;
}
