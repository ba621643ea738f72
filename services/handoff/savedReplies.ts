/**
 * Saved replies for agents (saved-replies.json in the council's data folder): short answers
 * the council's team writes once and agents insert with a click. Validated at load, so a
 * mistake stops start-up naming the file; a council without the file simply has none.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { loadJsonFile } from '../data/loadDataFile.js';

const schema = z.object({
  _note: z.string().optional(),
  replies: z
    .array(
      z.object({
        id: z.string().regex(/^[a-z0-9-]{1,40}$/),
        title: z.string().min(1).max(40),
        text: z.string().min(1).max(480),
      }),
    )
    .max(100)
    .refine((replies) => new Set(replies.map((r) => r.id)).size === replies.length, 'reply ids must be unique'),
});

export type SavedReply = z.infer<typeof schema>['replies'][number];

export function loadSavedReplies(dataDir: string): SavedReply[] {
  const file = join(dataDir, 'saved-replies.json');
  return existsSync(file) ? loadJsonFile(file, schema).replies : [];
}
