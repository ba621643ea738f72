import type { Kysely } from 'kysely';
import { autoIncrementId, type Dialect } from './columns.js';

/** Bot state, transcripts, Direct Line conversations and server settings. */
export function foundation(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('bot_state')
        .addColumn('key', 'varchar(1024)', (c) => c.primaryKey())
        .addColumn('etag', 'varchar(64)', (c) => c.notNull())
        .addColumn('document', 'text', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();

      await autoIncrementId(db.schema.createTable('transcript_activities'), dialect)
        .addColumn('channel_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('conversation_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('activity_id', 'varchar(256)')
        .addColumn('timestamp', 'bigint', (c) => c.notNull())
        .addColumn('activity', 'text', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('transcript_by_conversation')
        .on('transcript_activities')
        .columns(['channel_id', 'conversation_id', 'id'])
        .execute();
      await db.schema.createIndex('transcript_by_time').on('transcript_activities').column('timestamp').execute();

      await db.schema
        .createTable('directline_conversations')
        .addColumn('id', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('user_id', 'varchar(256)')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('last_activity_at', 'bigint', (c) => c.notNull())
        .addColumn('closed_at', 'bigint')
        .addColumn('next_watermark', 'integer', (c) => c.notNull().defaultTo(0))
        .execute();

      await db.schema
        .createTable('directline_activities')
        .addColumn('conversation_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('watermark', 'integer', (c) => c.notNull())
        .addColumn('activity', 'text', (c) => c.notNull())
        .addPrimaryKeyConstraint('directline_activities_pk', ['conversation_id', 'watermark'])
        .execute();

      await db.schema
        .createTable('settings')
        .addColumn('key', 'varchar(128)', (c) => c.primaryKey())
        .addColumn('value', 'text', (c) => c.notNull())
        .execute();
    },
  };
}
