/**
 * The word lists entity extractors rely on (yes/no answers, street and house-name words...),
 * kept in data/entity-words.json so a council can add local forms without touching code.
 */
import { readFileSync } from 'node:fs';
import { z } from 'zod';

const EntityWords = z.object({
  yes: z.array(z.string().min(1)).min(1),
  no: z.array(z.string().min(1)).min(1),
  streetWords: z.array(z.string().min(1)).min(1),
  houseNameWords: z.array(z.string().min(1)).min(1),
  flatWords: z.array(z.string().min(1)),
  registrationStopWords: z.array(z.string().min(2)),
});
export type EntityWords = z.infer<typeof EntityWords>;

export const entityWords: EntityWords = EntityWords.parse(
  JSON.parse(readFileSync(new URL('../data/entity-words.json', import.meta.url), 'utf8')),
);

/** Escapes a literal for use inside a RegExp. */
export function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** An alternation of the words, longest first so "gardens" wins over "gr". */
export function alternation(words: readonly string[]): string {
  return [...words]
    .sort((a, b) => b.length - a.length)
    .map(escapeRegExp)
    .join('|');
}
