import type { Kysely } from 'kysely';

/**
 * Drops sms_inbound_messages, the MessageSid claim table of 003. Since 008 every inbound text
 * is in sms_inbox (which 008 filled with the claims already made), and nothing reads or writes
 * the old table any more. Its index goes with it.
 */
export function dropSmsClaims() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('sms_inbound_messages').ifExists().execute();
    },
  };
}
