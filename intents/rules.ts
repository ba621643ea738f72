/**
 * Rules where rules are right: very short messages ("agent", "ta", "menu") that a statistical
 * model sees too rarely to learn, and a message that is only a reference ("TP-123456"). The
 * words live in data/rules.json; anything longer or mixed is left to the classifier.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { INTENT_NAMES, type Entity, type IntentName, type IntentScore, type ReferenceEntity } from './types.js';

const Rules = z.object({
  comment: z.string().optional(),
  maxWords: z.number().int().min(1).max(10),
  score: z.number().min(0).max(1),
  keywords: z.partialRecord(z.enum(INTENT_NAMES), z.array(z.string().min(1))),
  fillers: z.array(z.string().min(1)),
  referenceIntents: z.object({
    permitRef: z.enum(INTENT_NAMES),
    missedBinRef: z.enum(INTENT_NAMES),
    caseRef: z.enum(INTENT_NAMES),
  }),
});

const rules = Rules.parse(JSON.parse(readFileSync(new URL('./data/rules.json', import.meta.url), 'utf8')));
const GREETING: IntentName = 'smalltalk.greeting';

// Keyword phrases by their words ("call centre" -> agent.request), matched longest first.
const phraseIntent = new Map<string, IntentName>();
let longestPhrase = 1;
for (const [intent, words] of Object.entries(rules.keywords) as [IntentName, string[]][]) {
  for (const phrase of words) {
    const key = phrase.toLowerCase().trim().replace(/\s+/g, ' ');
    phraseIntent.set(key, intent);
    longestPhrase = Math.max(longestPhrase, key.split(' ').length);
  }
}
const FILLERS = new Set(rules.fillers.flatMap((f) => f.split(' ')));

function clean(text: string): string {
  return text
    .toLowerCase()
    .replace(/['’]/g, '')
    .replace(/[^a-z0-9 ]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The rule's intent for a short keyword message, or null to let the classifier decide. */
/**
 * True when `text` surely has more than `max` words as clean() splits them (letters and digits,
 * apostrophes joining): a cheap pass that spares the regexes for the many longer messages.
 * Counting only ASCII letters and digits can only undercount, so it never rules out a short one.
 */
function moreWordsThan(text: string, max: number): boolean {
  let count = 0;
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
    if (alnum) {
      if (!inWord && ++count > max) return true;
      inWord = true;
    } else if (c !== 39 && c !== 0x2019) inWord = false;
  }
  return false;
}

export function keywordRule(text: string): IntentScore | null {
  if (moreWordsThan(text, rules.maxWords)) return null;
  const words = clean(text);
  if (!words || words.split(' ').length > rules.maxWords) return null;
  const tokens = words.split(' ');
  const found = new Set<IntentName>();
  for (let i = 0; i < tokens.length;) {
    let matched = 0;
    for (let n = Math.min(longestPhrase, tokens.length - i); n >= 1 && !matched; n--) {
      const intent = phraseIntent.get(tokens.slice(i, i + n).join(' '));
      if (intent) {
        found.add(intent);
        matched = n;
      }
    }
    if (matched) i += matched;
    else if (FILLERS.has(tokens[i] ?? '')) i++;
    else return null;
  }
  if (found.size > 1) found.delete(GREETING);
  if (found.size !== 1) return null;
  const [intent] = [...found];
  return intent ? { intent, score: rules.score } : null;
}

/** A message that is only a reference (plus filler words): "TP-123456", "my ref is MB 123456". */
export function referenceRule(text: string, entities: Entity[]): IntentScore | null {
  const refs = entities.filter(
    (e): e is ReferenceEntity => e.type === 'permitRef' || e.type === 'missedBinRef' || e.type === 'caseRef',
  );
  const [ref] = refs;
  if (!ref || refs.length > 1) return null;
  const rest = clean(text.slice(0, ref.start) + ' ' + text.slice(ref.end));
  const restWords = rest ? rest.split(' ') : [];
  if (restWords.some((w) => !FILLERS.has(w) && !['ref', 'reference', 'number', 'my', 'its', 'is', 'here'].includes(w)))
    return null;
  return { intent: rules.referenceIntents[ref.type], score: rules.score };
}
