import type { Kysely } from 'kysely';

/**
 * The Web Chat inbox: each activity a resident posted (already kept in directline_activities
 * under its watermark) with its state, `processing` under an instance's lease until its turn
 * has finished, then `answered`. A start-up and periodic sweep finishes any whose instance
 * died. The client's clientActivityID is unique per conversation, so the same message posted
 * twice runs once.
 */
export function directLineInbox() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('directline_inbox')
        .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('watermark', 'integer', (c) => c.notNull())
        .addColumn('client_activity_id', 'varchar(128)')
        .addColumn('state', 'varchar(16)', (c) => c.notNull())
        .addColumn('lease_owner', 'varchar(64)')
        .addColumn('lease_until', 'bigint')
        .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
        .addColumn('received_at', 'bigint', (c) => c.notNull())
        .addColumn('answered_at', 'bigint')
        .addPrimaryKeyConstraint('directline_inbox_pk', ['conversation_id', 'watermark'])
        .execute();
      await db.schema
        .createIndex('directline_inbox_client_id')
        .on('directline_inbox')
        .columns(['conversation_id', 'client_activity_id'])
        .unique()
        .execute();
      await db.schema
        .createIndex('directline_inbox_unanswered')
        .on('directline_inbox')
        .columns(['state', 'lease_until'])
        .execute();
      await db.schema.createIndex('directline_inbox_by_time').on('directline_inbox').column('received_at').execute();
    },
  };
}
