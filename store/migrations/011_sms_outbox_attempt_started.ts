import type { Kysely } from 'kysely';

/**
 * When the outbox's current attempt to send a text began, cleared once Twilio has answered
 * (sent, or refused). A row found with it set was being sent when its instance died (or the
 * request got no answer): Twilio may have taken it, so before sending again the worker asks
 * Twilio whether it did, and a resident never gets the same text twice.
 */
export function smsOutboxAttemptStarted() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('sms_outbox').addColumn('attempt_started_at', 'bigint').execute();
    },
  };
}
