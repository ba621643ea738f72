/**
 * Personal data is kept only as long as the council's retention setting says (RETENTION_DAYS).
 * This removes what the store itself holds past that age; each channel and service also
 * removes its own records (transcripts, SMS message ids, handoff history, verification
 * attempts), called from the same hourly job in bot/assistant.ts.
 *
 * Two things are kept longer on purpose:
 * - an SMS number that has opted out, for as long as it stays opted out (forgetting it would
 *   mean texting someone who said STOP);
 * - tip permits for at least 13 months after the visit, because the household's allowance is
 *   counted over the 12 months before a booking;
 * and open cases are never removed: someone still has to act on them.
 */
import { DateTime } from 'luxon';
import type { Db } from './database.js';

/** Permits are needed for the allowance over the 12 months before a booking, plus a margin. */
const PERMIT_MINIMUM_DAYS = 400;

export interface RetentionResult {
  [table: string]: number;
}

export async function deleteExpiredPersonalData(
  db: Db,
  retentionDays: number,
  now: Date = new Date(),
): Promise<RetentionResult> {
  const cutoff = now.getTime() - retentionDays * 86_400_000;
  const permitCutoffDate =
    DateTime.fromJSDate(now, { zone: 'Europe/London' })
      .minus({ days: Math.max(retentionDays, PERMIT_MINIMUM_DAYS) })
      .toISODate() ?? '0000-00-00';
  const counts: RetentionResult = {};
  const count = (table: string, result: { numDeletedRows: bigint }) => {
    counts[table] = Number(result.numDeletedRows);
  };

  const oldConversations = db
    .selectFrom('directline_conversations')
    .select('id')
    .where('last_activity_at', '<', cutoff);
  count(
    'directline_activities',
    await db.deleteFrom('directline_activities').where('conversation_id', 'in', oldConversations).executeTakeFirst(),
  );
  count(
    'directline_conversations',
    await db.deleteFrom('directline_conversations').where('last_activity_at', '<', cutoff).executeTakeFirst(),
  );
  count('bot_state', await db.deleteFrom('bot_state').where('updated_at', '<', cutoff).executeTakeFirst());
  count(
    'missed_bin_reports',
    await db.deleteFrom('missed_bin_reports').where('created_at', '<', cutoff).executeTakeFirst(),
  );
  count(
    'cases',
    await db.deleteFrom('cases').where('status', '=', 'closed').where('updated_at', '<', cutoff).executeTakeFirst(),
  );
  count(
    'tip_permits',
    await db.deleteFrom('tip_permits').where('visit_date', '<', permitCutoffDate).executeTakeFirst(),
  );
  count(
    'sms_conversations',
    await db
      .deleteFrom('sms_conversations')
      .where('opted_out_at', 'is', null)
      .where((eb) =>
        eb.or([
          eb('last_inbound_at', '<', cutoff),
          eb.and([eb('last_inbound_at', 'is', null), eb('created_at', '<', cutoff)]),
        ]),
      )
      .executeTakeFirst(),
  );
  return counts;
}
