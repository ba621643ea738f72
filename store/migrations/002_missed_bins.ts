import type { Kysely } from 'kysely';

/** Missed-collection reports: one per property, stream and scheduled collection. */
export function missedBins() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('missed_bin_reports')
        .addColumn('reference', 'varchar(16)', (c) => c.primaryKey())
        .addColumn('property_id', 'varchar(64)', (c) => c.notNull())
        .addColumn('stream', 'varchar(32)', (c) => c.notNull())
        .addColumn('collection_date', 'varchar(10)', (c) => c.notNull())
        .addColumn('return_by', 'varchar(10)', (c) => c.notNull())
        .addColumn('channel', 'varchar(32)', (c) => c.notNull())
        .addColumn('conversation_id', 'varchar(256)')
        .addColumn('contact', 'text')
        .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('open'))
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addUniqueConstraint('missed_bin_reports_one_per_collection', ['property_id', 'stream', 'collection_date'])
        .execute();
    },
  };
}
