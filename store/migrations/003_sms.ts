import type { Kysely } from 'kysely';

/**
 * The Twilio SMS channel: which number each SMS conversation belongs to (and whether it has
 * opted out), the inbound MessageSids already processed (Twilio retries webhooks), and the
 * delivery status of every message we sent.
 */
export function sms() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sms_conversations')
        .addColumn('conversation_id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('phone', 'varchar(32)', (c) => c.notNull().unique())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_inbound_at', 'bigint')
        .addColumn('opted_out_at', 'bigint')
        .addColumn('choices', 'text')
        .execute();

      await db.schema
        .createTable('sms_inbound_messages')
        .addColumn('message_sid', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sms_inbound_by_time').on('sms_inbound_messages').column('received_at').execute();

      await db.schema
        .createTable('sms_outbound_messages')
        .addColumn('sid', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('conversation_id', 'varchar(64)')
        .addColumn('segments', 'integer')
        .addColumn('status', 'varchar(32)', (c) => c.notNull())
        .addColumn('error_code', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('sms_outbound_by_time').on('sms_outbound_messages').column('created_at').execute();
    },
  };
}
