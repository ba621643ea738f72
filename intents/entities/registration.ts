/**
 * UK vehicle registrations, any case and spacing: current (2001-, "AB12 CDE"), prefix
 * (1983-2001, "A123 BCD"), suffix (1963-1983, "ABC 123D"); dateless ("ABC 123", "1234 AB")
 * only as a whole prompt answer, because in free text it is indistinguishable from "bin 12".
 */
import type { RegistrationEntity } from '../types.js';
import { entityWords } from './words.js';

interface Format {
  pattern: RegExp;
  /** Where the space goes in the display form, counted from the start of the compact form. */
  split: (compact: string) => number;
  /** Older formats are only believed in free text when typed in capitals or near "reg", "van"... */
  needsContext: boolean;
}

const B = '(?<![A-Za-z0-9])';
const E = '(?![A-Za-z0-9])';
const FORMATS: Format[] = [
  {
    // Memory tag (no I, Q, Z), age identifier (02-29, 51-79), three random letters (no I, Q).
    pattern: new RegExp(
      `${B}([A-HJ-PR-Ya-hj-pr-y]{2})(0[2-9]|[12][0-9]|5[1-9]|[67][0-9]) {0,2}([A-HJ-PR-Za-hj-pr-z]{3})${E}`,
      'g',
    ),
    split: () => 4,
    needsContext: false,
  },
  {
    pattern: new RegExp(`${B}([A-HJ-NP-Ya-hj-np-y])([1-9][0-9]{0,2}) {0,2}([A-Za-z]{3})${E}`, 'g'),
    split: (compact) => compact.length - 3,
    needsContext: true,
  },
  {
    pattern: new RegExp(`${B}([A-Za-z]{3}) {0,2}([1-9][0-9]{0,2})([A-HJ-NP-Ya-hj-np-y])${E}`, 'g'),
    split: () => 3,
    needsContext: true,
  },
];
const DATELESS = /^\s*(?:([A-Za-z]{1,3}) ?([1-9][0-9]{0,3})|([1-9][0-9]{0,3}) ?([A-Za-z]{1,3}))\s*$/;
const CONTEXT = /\b(reg|regs|registration|reg no|number ?plate|plate|van|car|vehicle|trailer|pickup|pick-up|motor)\b/i;
const STOP = new Set(entityWords.registrationStopWords.map((w) => w.toUpperCase()));

function entity(text: string, start: number, compact: string, splitAt: number): RegistrationEntity {
  return {
    type: 'registration',
    text,
    start,
    end: start + text.length,
    value: compact,
    display: `${compact.slice(0, splitAt)} ${compact.slice(splitAt)}`,
  };
}

export function findRegistrations(text: string): RegistrationEntity[] {
  const found: RegistrationEntity[] = [];
  const hasContext = CONTEXT.test(text);
  for (const format of FORMATS) {
    for (const match of text.matchAll(format.pattern)) {
      const typed = match[0];
      const compact = typed.replace(/ /g, '').toUpperCase();
      if (format.needsContext) {
        const letters = compact.replace(/[0-9]/g, '');
        const words = typed.toUpperCase().match(/[A-Z]{3}/g) ?? [];
        if (words.some((w) => STOP.has(w)) && typed !== typed.toUpperCase()) continue;
        if (!hasContext && typed !== typed.toUpperCase()) continue;
        if (!hasContext && letters.length < 4) continue;
      }
      if (found.some((f) => f.start < match.index + typed.length && match.index < f.end)) continue;
      found.push(entity(typed, match.index, compact, format.split(compact)));
    }
  }
  return found.sort((a, b) => a.start - b.start);
}

/** A prompt's answer as a registration: "ab12 cde" -> { value: "AB12CDE", display: "AB12 CDE" }. */
export function parseRegistration(text: string): { value: string; display: string } | null {
  const inText = findRegistrations(text.toUpperCase())[0];
  if (inText) return { value: inText.value, display: inText.display };
  const dateless = DATELESS.exec(text);
  if (!dateless) return null;
  const first = (dateless[1] ?? dateless[3] ?? '').toUpperCase();
  const second = (dateless[2] ?? dateless[4] ?? '').toUpperCase();
  return { value: first + second, display: `${first} ${second}` };
}
