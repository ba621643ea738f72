/**
 * Reading a resident's answer to one question an action asks: a date, a phone number or email,
 * one of a few options, an address or a name. Each returns the value to store, or null.
 */
import { dateIn, type DatePreference } from '../dates/dateUnderstanding.js';
import { parsePhone } from '../../intents/entities/phone.js';

const EMAIL = /[^\s@<>(),;:]+@[^\s@<>(),;:]+\.[a-z]{2,}/i;
const SAME_NUMBER = /^\s*(same|this number|this one|use this number)\s*[.!]?\s*$/i;

export function readDate(text: string, now: Date, prefer: DatePreference): string | null {
  return dateIn(text, now, { prefer })?.value ?? null;
}

/** A UK phone number (E.164) or an email address; "SAME" means the number texting us. */
export function readContact(text: string, ownNumber: string | undefined): string | null {
  if (ownNumber && SAME_NUMBER.test(text)) return ownNumber;
  const email = EMAIL.exec(text)?.[0];
  if (email) return email.toLowerCase();
  return parsePhone(text);
}

export function readText(text: string, minLetters: number): string | null {
  const trimmed = text.trim().replace(/\s+/g, ' ').slice(0, 300);
  return (trimmed.match(/\p{L}/gu) ?? []).length >= minLetters ? trimmed : null;
}

function wordsOf(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9 ]/g, ' ')
    .split(/\s+/)
    .filter(Boolean);
}

/**
 * One of the options, from its label, its number in the list, the number it starts with
 * ("8" for "8th") or a word only it has ("out" for "Moving out of Demoford").
 */
export function readChoice(text: string, options: string[]): string | null {
  const typed = text.trim().toLowerCase();
  const exact = options.find((o) => o.toLowerCase() === typed);
  if (exact) return exact;
  const number = /^\(?(\d{1,2})(?:st|nd|rd|th)?[.)]?$/.exec(typed)?.[1];
  if (number) {
    const leading = options.find((o) => new RegExp(`^${number}(?!\\d)`).test(o));
    return leading ?? options[Number(number) - 1] ?? null;
  }
  const optionWords = options.map(wordsOf);
  const shared = new Set(optionWords.flat().filter((w) => optionWords.every((ws) => ws.includes(w))));
  const said = wordsOf(text).filter((w) => !shared.has(w));
  const matching = options.filter((_o, i) =>
    said.some((w) =>
      (optionWords[i] ?? []).some((ow) => !shared.has(ow) && (ow === w || (w.length >= 2 && ow.startsWith(w)))),
    ),
  );
  return matching.length === 1 ? (matching[0] ?? null) : null;
}
