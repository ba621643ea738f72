/**
 * Masks personal data in a resident's message before it is kept for the insights inbox: the
 * same extractors that read postcodes, phone numbers, registrations, account numbers and
 * references in a conversation find them here, plus emails, long runs of digits (card or bank
 * numbers) and names where the message introduces one ("my name is…", "Mrs …"). What is left is
 * what the resident was asking, which is what a supervisor needs to label it.
 */
import { extractEntities } from '../../intents/entities/index.js';
import type { EntityType } from '../../intents/types.js';

const ENTITY_MASKS: Partial<Record<EntityType, string>> = {
  postcode: '[postcode]',
  phone: '[phone]',
  accountNumber: '[account number]',
  registration: '[registration]',
  permitRef: '[reference]',
  missedBinRef: '[reference]',
  caseRef: '[reference]',
  houseNumber: '[house number]',
};

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
/** Six or more digits, however spaced or dashed: no everyday question needs them. */
const LONG_NUMBER = /(?<![\p{L}\p{N}])\d(?:[\s-]?\d){5,}(?![\p{L}\p{N}])/gu;
/** Words that introduce a name ("my name is", "Mrs"), found ignoring case. */
const NAME_LEADS =
  /\b(?:my name is|my names|my name's|name is|name's|i am called|i'm called|this is|call me|i am|i'm|im|mr|mrs|ms|miss|mx|dr)\.?\s+/gi;
const TITLES = new Set(['mr', 'mrs', 'ms', 'miss', 'mx', 'dr']);
/** The name itself: capitalised words (or initials), case-sensitive, read from where the lead ends. */
const NAME = /(?:[A-Z][a-z'’-]+|[A-Z]\.?)(?:\s+(?:[A-Z][a-z'’-]+|[A-Z]\.?))*/y;
/** Capitalised words after "I'm" that are not names ("I'm Unhappy", "I'm Trying"). */
const NOT_NAMES = new Set([
  'not',
  'trying',
  'looking',
  'moving',
  'unhappy',
  'sorry',
  'still',
  'just',
  'a',
  'an',
  'the',
  'on',
  'in',
  'at',
  'from',
  'going',
  'having',
  'being',
  'very',
  'so',
  'really',
  'ok',
  'okay',
  'fine',
  'here',
  'back',
  'new',
  'disabled',
  'pregnant',
  'homeless',
  'waiting',
  'calling',
  'asking',
  'texting',
  'writing',
  'i',
]);

/** "John Smith here…" at the start, and sign-offs ("Thanks, Jo", "Regards, Sam Patel") at the end. */
const HERE = /^(\s*)((?:[A-Z][a-z'’-]+)(?:\s+[A-Z][a-z'’-]+){0,2})(?=\s+here\b)/;
const SIGN_OFF =
  /(\b(?:thanks|thank you|cheers|regards|kind regards|best wishes|many thanks|from|ta),?\s+)((?:[A-Z][a-z'’-]+)(?:\s+[A-Z][a-z'’-]+){0,2})(\s*[.!]?\s*)$/i;

function maskNames(text: string): string {
  text = text.replace(HERE, (_whole, lead: string) => `${lead}[name]`);
  text = text.replace(SIGN_OFF, (whole, lead: string, name: string, end: string) =>
    /^[A-Z]/.test(name) ? `${lead}[name]${end}` : whole,
  );
  const spans: [number, number][] = [];
  for (const lead of text.matchAll(NAME_LEADS)) {
    const from = (lead.index ?? 0) + lead[0].length;
    NAME.lastIndex = from;
    const name = NAME.exec(text);
    if (!name) continue;
    const first = (name[0].split(/\s+/)[0] ?? '').replace(/\.$/, '').toLowerCase();
    const titled = TITLES.has(lead[0].trim().replace(/\.$/, '').toLowerCase());
    if (!titled && NOT_NAMES.has(first)) continue;
    spans.push([from, from + name[0].length]);
  }
  for (const [start, end] of spans.reverse()) text = `${text.slice(0, start)}[name]${text.slice(end)}`;
  return text;
}

export function maskPersonalData(text: string): string {
  let masked = text.slice(0, 2000);
  // Right to left, so earlier spans keep their offsets.
  const entities = extractEntities(masked)
    .filter((e) => ENTITY_MASKS[e.type])
    .sort((a, b) => b.start - a.start);
  for (const entity of entities)
    masked = masked.slice(0, entity.start) + (ENTITY_MASKS[entity.type] ?? '') + masked.slice(entity.end);
  masked = masked.replace(EMAIL, '[email]').replace(LONG_NUMBER, '[number]');
  // Only capitalised words name someone: "I'm moving house" is not a name.
  return maskNames(masked);
}
