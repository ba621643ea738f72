/**
 * The inbox of messages the assistant did not understand: what a resident asked (personal data
 * masked before it is stored), when, on which channel, the model's guess and what the assistant
 * did next. A supervisor labels each one with the intent it should have been, "out of scope", or
 * a signpost to add, and exports the labels as corpus lines for the council's data folder
 * (`<COUNCIL_DATA_DIR>/intents/<intent>.txt`, merged with the shipped corpus at the next start).
 * Urgent and safeguarding messages are never stored here; entries go with RETENTION_DAYS.
 */
import { z } from 'zod';
import { INTENT_NAMES, type IntentName } from '../../intents/types.js';
import type { Db } from '../../store/database.js';
import { londonDay, type NextStep, type TurnTransaction } from './events.js';
import { maskPersonalData } from './mask.js';

/** A label: an intent of the taxonomy (None = out of scope), or a signpost the council should add. */
export const labelSchema = z.union([
  z.object({ intent: z.enum(INTENT_NAMES as unknown as [IntentName, ...IntentName[]]) }).strict(),
  z.object({ signpost: z.string().trim().min(2).max(80) }).strict(),
]);
export type InboxLabel = z.infer<typeof labelSchema>;

export interface InboxEntry {
  id: number;
  at: number;
  channel: string;
  text: string;
  guess: string;
  nextStep: string;
  /** An intent name, "None" for out of scope, or "signpost: <what>". */
  label: string | null;
}

const SIGNPOST = 'signpost: ';

export class InsightInbox {
  constructor(
    private readonly db: Db,
    /** Finds an urgent or safeguarding topic: such a message is never kept. */
    private readonly isUrgent: (text: string) => boolean,
    private readonly turn?: TurnTransaction,
  ) {}

  /** Keeps a message the assistant did not understand, masked; never an urgent one. */
  async add(entry: { text: string; channel: string; guess: string; nextStep: NextStep; at: number }): Promise<boolean> {
    const text = entry.text.trim();
    if (!text || this.isUrgent(text)) return false;
    const row = {
      at: entry.at,
      day: londonDay(entry.at),
      channel: entry.channel,
      text: maskPersonalData(text),
      guess: entry.guess.slice(0, 64),
      next_step: entry.nextStep,
      label: null,
      labelled_by: null,
      labelled_at: null,
    };
    const joined = this.turn?.alsoInTransaction(async (trx) => {
      await trx.insertInto('insight_inbox').values(row).execute();
    });
    if (!joined) await this.db.insertInto('insight_inbox').values(row).execute();
    return true;
  }

  /** Newest first, within the London days given (inclusive). */
  async list(range: { from: string; to: string }, limit = 200): Promise<InboxEntry[]> {
    const rows = await this.db
      .selectFrom('insight_inbox')
      .selectAll()
      .where('day', '>=', range.from)
      .where('day', '<=', range.to)
      .orderBy('at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute();
    return rows.map((r) => ({
      id: r.id,
      at: r.at,
      channel: r.channel,
      text: r.text,
      guess: r.guess,
      nextStep: r.next_step,
      label: r.label,
    }));
  }

  /** Labels one entry; false when there is no such entry (gone with retention, say). */
  async label(id: number, label: InboxLabel, by: string, now: number): Promise<boolean> {
    const value = 'intent' in label ? label.intent : `${SIGNPOST}${label.signpost}`;
    const result = await this.db
      .updateTable('insight_inbox')
      .set({ label: value, labelled_by: by, labelled_at: now })
      .where('id', '=', id)
      .executeTakeFirst();
    return Number(result.numUpdatedRows) === 1;
  }

  /**
   * Every label as corpus lines, one section per file to add to the data folder's intents/
   * ("None" is what the assistant does not do); signposts to consider are listed as comments.
   */
  async exportLabels(): Promise<string> {
    const rows = await this.db
      .selectFrom('insight_inbox')
      .select(['text', 'label'])
      .where('label', 'is not', null)
      .orderBy('id')
      .execute();
    const byIntent = new Map<string, Set<string>>();
    const signposts = new Set<string>();
    for (const row of rows) {
      if (!row.label) continue;
      if (row.label.startsWith(SIGNPOST)) {
        signposts.add(`${row.label.slice(SIGNPOST.length)}: ${oneLine(row.text)}`);
        continue;
      }
      const lines = byIntent.get(row.label) ?? new Set<string>();
      lines.add(oneLine(row.text));
      byIntent.set(row.label, lines);
    }
    const out = [
      '# Messages residents sent that the assistant did not understand, labelled by a supervisor.',
      "# Add each section's lines to the file it names in your data folder's intents/ (COUNCIL_DATA_DIR/intents/);",
      '# the assistant retrains on them at its next start. Personal data was masked ([postcode], [name]...).',
    ];
    for (const [intent, lines] of [...byIntent].sort(([a], [b]) => a.localeCompare(b))) {
      out.push('', `# file: ${intent}.txt`, ...lines);
    }
    if (signposts.size)
      out.push(
        '',
        '# Signposts to consider (add to signposts/ with the page to send residents to):',
        ...[...signposts].map((s) => `# ${s}`),
      );
    return `${out.join('\n')}\n`;
  }

  async deleteOlderThan(cutoff: number): Promise<number> {
    const result = await this.db.deleteFrom('insight_inbox').where('at', '<', cutoff).executeTakeFirst();
    return Number(result.numDeletedRows);
  }
}

/** A corpus line is one line, without a leading # (which would make it a comment). */
function oneLine(text: string): string {
  return text
    .replace(/\s+/g, ' ')
    .replace(/^#+\s*/, '')
    .trim();
}
