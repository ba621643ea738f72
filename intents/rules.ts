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

// Phrases first (longest first), each replaced by a marker token for its intent. Markers are
// "#<n>#": clean() removes every "#", and keywords are letters, so no keyword matches inside one.
const phrases: { phrase: RegExp; token: string }[] = [];
const tokenIntent = new Map<string, IntentName>();
for (const [n, [intent, words]] of (Object.entries(rules.keywords) as [IntentName, string[]][]).entries()) {
  const token = `#${n}#`;
  tokenIntent.set(token, intent);
  for (const word of words) {
    phrases.push({ phrase: new RegExp(`(?<![a-z])${word.replace(/ /g, ' +')}(?![a-z])`, 'g'), token });
  }
}
phrases.sort((a, b) => b.phrase.source.length - a.phrase.source.length);
const FILLERS = new Set(rules.fillers.flatMap((f) => f.split(' ')));

function clean(text: string): string {
  return text.toLowerCase().replace(/['’]/g, '').replace(/[^a-z0-9 ]+/g, ' ').replace(/\s+/g, ' ').trim();
}

/** The rule's intent for a short keyword message, or null to let the classifier decide. */
export function keywordRule(text: string): IntentScore | null {
  const words = clean(text);
  if (!words || words.split(' ').length > rules.maxWords) return null;
  let marked = ` ${words} `;
  for (const { phrase, token } of phrases) marked = marked.replace(phrase, ` ${token} `);
  const found = new Set<IntentName>();
  for (const token of marked.trim().split(/\s+/)) {
    const intent = tokenIntent.get(token);
    if (intent) found.add(intent);
    else if (!FILLERS.has(token)) return null;
  }
  if (found.size > 1) found.delete(GREETING);
  if (found.size !== 1) return null;
  const [intent] = [...found];
  return intent ? { intent, score: rules.score } : null;
}

/** A message that is only a reference (plus filler words): "TP-123456", "my ref is MB 123456". */
export function referenceRule(text: string, entities: Entity[]): IntentScore | null {
  const refs = entities.filter((e): e is ReferenceEntity => e.type === 'permitRef' || e.type === 'missedBinRef' || e.type === 'caseRef');
  const [ref] = refs;
  if (!ref || refs.length > 1) return null;
  const rest = clean(text.slice(0, ref.start) + ' ' + text.slice(ref.end));
  const restWords = rest ? rest.split(' ') : [];
  if (restWords.some((w) => !FILLERS.has(w) && !['ref', 'reference', 'number', 'my', 'its', 'is', 'here'].includes(w))) return null;
  return { intent: rules.referenceIntents[ref.type], score: rules.score };
}
