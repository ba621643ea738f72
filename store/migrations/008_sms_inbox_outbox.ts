import { sql, type Kysely } from 'kysely';
import { autoIncrementId, type Dialect } from './columns.js';

/**
 * The SMS inbox and outbox, so no text a resident sends, and no reply to it, is lost to a crash,
 * a restart or a Twilio outage:
 * - sms_inbox: every inbound text with what Twilio sent (so it can be run again) and its state:
 *   `processing` while an instance holds its lease, `answered` once its replies are in the
 *   outbox. A lease that runs out (its instance died) lets Twilio's retry or any instance's
 *   sweep take the message over. MessageSids already processed by the old claim table are
 *   copied in as answered, so a late Twilio retry of one is still a duplicate.
 * - sms_outbox: every text to send, in order per conversation, with its attempts; a worker on
 *   every instance sends it (taking a lease, so two instances never send one row) and records
 *   `sent` with Twilio's sid, or `failed` after the last retry.
 */
export function smsInboxOutbox(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('sms_inbox')
        .addColumn('message_sid', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('params', 'text')
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('lease_owner', 'varchar(64)')
        .addColumn('lease_until', 'bigint')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('answered_at', 'bigint')
        .execute();
      await db.schema.createIndex('sms_inbox_unanswered').on('sms_inbox').columns(['state', 'lease_until']).execute();
      await db.schema
        .createIndex('sms_inbox_by_conversation')
        .on('sms_inbox')
        .columns(['conversation_id', 'received_at'])
        .execute();
      await db.schema.createIndex('sms_inbox_by_time').on('sms_inbox').column('received_at').execute();
      await sql`INSERT INTO sms_inbox (message_sid, conversation_id, params, state, attempts, received_at, answered_at)
        SELECT message_sid, conversation_id, NULL, 'answered', 1, received_at, received_at FROM sms_inbound_messages`.execute(
        db,
      );

      await autoIncrementId(db.schema.createTable('sms_outbox'), dialect)
        .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('message_sid', 'varchar(64)')
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('body', 'text', (c) => c.notNull())
        .addColumn('segments', 'integer', (c) => c.notNull())
        .addColumn('encoding', 'varchar(8)', (c) => c.notNull())
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('lease_owner', 'varchar(64)')
        .addColumn('lease_until', 'bigint')
        .addColumn('sid', 'varchar(64)')
        .addColumn('last_status', 'integer')
        .addColumn('last_code', 'integer')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('sms_outbox_queue')
        .on('sms_outbox')
        .columns(['state', 'conversation_id', 'id'])
        .execute();
      await db.schema.createIndex('sms_outbox_by_time').on('sms_outbox').column('created_at').execute();
    },
  };
}
