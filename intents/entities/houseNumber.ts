/**
 * House number or name: "14 mill lane", "14a High St", "no. 22", "flat 3", "Rose Cottage",
 * "1, DF1 1AA". Street and house-name words live in data/entity-words.json.
 */
import type { HouseNumberEntity } from '../types.js';
import { alternation, entityWords } from './words.js';

const STREET = alternation(entityWords.streetWords);
const NAME_WORD = alternation(entityWords.houseNameWords);
const FLAT = alternation(entityWords.flatWords);

// "14 mill lane", "14a, High Street": number, then up to three words, then a street word.
const BEFORE_STREET = new RegExp(
  `(?<![A-Za-z0-9£.:/-])([0-9]{1,4}[a-hA-H]?)(?![0-9])(?:,? +)(?:[A-Za-z'-]+ ){0,3}(?:${STREET})\\b`,
  'gi',
);
// "1 DF1 1AA", "22, DF2 4QT": a number right before a postcode.
const BEFORE_POSTCODE =
  /(?<![A-Za-z0-9£.:/-])([0-9]{1,4}[a-hA-H]?),? +[A-Za-z]{1,2}[0-9][A-Za-z0-9]? ?[0-9][A-Za-z]{2}(?![A-Za-z0-9])/g;
// "no. 14", "number 14", "flat 3"
const LABELLED = new RegExp(`\\b(?:${FLAT}) ?#?([0-9]{1,4}[a-hA-H]?)(?![0-9A-Za-z])`, 'gi');
// "Rose Cottage", "The Old Mill": one to three capitalised words ending in a house-name word.
const NAMED = new RegExp(`\\b((?:(?:The|[A-Z][a-z']+) ){1,3}(?:${NAME_WORD}))\\b`, 'gi');
const CAPITALISED_NAME = new RegExp(`^(?:(?:The|[A-Z][a-z']+) ){1,3}(?:${NAME_WORD})$`, 'i');

function push(found: HouseNumberEntity[], value: string, start: number): void {
  const end = start + value.length;
  if (found.some((f) => f.start < end && start < f.end)) return;
  found.push({ type: 'houseNumber', text: value, start, end, value: value.toLowerCase() });
}

export function findHouseNumbers(text: string): HouseNumberEntity[] {
  const found: HouseNumberEntity[] = [];
  // Numbered forms need a digit, and a named house a capital letter: most messages have
  // neither, and the patterns cost more than these checks.
  for (const pattern of /[0-9]/.test(text) ? [BEFORE_STREET, BEFORE_POSTCODE, LABELLED] : []) {
    for (const match of text.matchAll(pattern)) {
      const value = match[1];
      if (value === undefined) continue;
      push(found, value, match.index + match[0].indexOf(value));
    }
  }
  if (!/[A-Z]/.test(text)) return found.sort((a, b) => a.start - b.start);
  for (const match of text.matchAll(NAMED)) {
    const name = match[1];
    if (name === undefined) continue;
    // Named houses are written with capitals; "the tip house" in lower case is prose.
    const words = name.split(' ');
    if (!words.every((w) => /^[A-Z]/.test(w))) continue;
    const start = match.index;
    if (found.some((f) => f.start < start + name.length && start < f.end)) continue;
    found.push({ type: 'houseNumber', text: name, start, end: start + name.length, value: name });
  }
  return found.sort((a, b) => a.start - b.start);
}

/** A prompt's answer as a house number or name: "14A" -> "14a", "rose cottage" -> "Rose Cottage". */
export function parseHouseNumber(text: string): string | null {
  const inText = findHouseNumbers(text)[0];
  if (inText) return inText.value;
  const answer = text.trim().replace(/[.,]+$/, '');
  const bare = /^#?([0-9]{1,4}[a-hA-H]?)$/.exec(answer);
  if (bare?.[1]) return bare[1].toLowerCase();
  // A name is believed when it has a house-name word ("rose cottage") or is written as a name
  // ("Bramleys"); "no idea" is neither.
  if (CAPITALISED_NAME.test(answer) || /^(?:[A-Z][A-Za-z'-]+ ?){1,4}$/.test(answer)) {
    return answer.replace(/\s+/g, ' ').replace(/\b[a-z]/g, (c) => c.toUpperCase());
  }
  return null;
}
