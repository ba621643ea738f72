import type { Kysely } from 'kysely';
import { autoIncrementId, type Dialect } from './columns.js';

/**
 * How well the assistant is working, recorded as it happens (see services/insights):
 * - `insight_events`: one row when something worth counting happens (a conversation starts, a
 *   job is completed, a handoff, a rating, a "did this answer your question?" reply, a text
 *   sent). Append-only, so every instance's rows simply add up. No personal data: a
 *   conversation is grouped by a one-way key; its channel id is kept only for the retention
 *   period (to tell a conversation still going from one abandoned) and then cleared.
 * - `insight_inbox`: what residents asked that the assistant did not understand, with personal
 *   data masked, for a supervisor to label; deleted with retention.
 * - `agent_accounts.role`: 'agent' or 'supervisor' (who may read these figures).
 */
export function insights(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await autoIncrementId(db.schema.createTable('insight_events'), dialect)
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('day', 'varchar(10)', (c) => c.notNull())
        .addColumn('channel', 'varchar(32)', (c) => c.notNull())
        .addColumn('conversation_key', 'varchar(64)')
        .addColumn('conversation_id', 'varchar(200)')
        .addColumn('kind', 'varchar(32)', (c) => c.notNull())
        .addColumn('name', 'varchar(64)')
        .addColumn('value', 'double precision')
        .execute();
      await db.schema.createIndex('insight_events_day').on('insight_events').columns(['day', 'kind']).execute();
      await db.schema
        .createIndex('insight_events_conversation')
        .on('insight_events')
        .column('conversation_key')
        .execute();

      await autoIncrementId(db.schema.createTable('insight_inbox'), dialect)
        .addColumn('at', 'bigint', (c) => c.notNull())
        .addColumn('day', 'varchar(10)', (c) => c.notNull())
        .addColumn('channel', 'varchar(32)', (c) => c.notNull())
        .addColumn('text', 'varchar(2000)', (c) => c.notNull())
        .addColumn('guess', 'varchar(64)', (c) => c.notNull())
        .addColumn('next_step', 'varchar(32)', (c) => c.notNull())
        .addColumn('label', 'varchar(100)')
        .addColumn('labelled_by', 'varchar(64)')
        .addColumn('labelled_at', 'bigint')
        .execute();
      await db.schema.createIndex('insight_inbox_at').on('insight_inbox').column('at').execute();

      await db.schema
        .alterTable('agent_accounts')
        .addColumn('role', 'varchar(16)', (c) => c.notNull().defaultTo('agent'))
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('agent_accounts').dropColumn('role').execute();
      await db.schema.dropTable('insight_inbox').execute();
      await db.schema.dropTable('insight_events').execute();
    },
  };
}
