import type { Kysely } from 'kysely';

/**
 * Council tax account checks and cases.
 * - counciltax_verification_attempts: one counter per subject (a conversation or phone) and per
 *   account number typed, so one account cannot be guessed at from many conversations;
 * - counciltax_verification_grants: who has proved they hold which account, until when;
 * - cases: requests and handoffs for a person (HC- references), general enough for callbacks.
 */
export function councilTaxCases() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('counciltax_verification_attempts')
        .addColumn('key', 'varchar(300)', (c) => c.primaryKey())
        .addColumn('attempts', 'integer', (c) => c.notNull())
        .addColumn('window_started_at', 'bigint', (c) => c.notNull())
        .addColumn('locked_until', 'bigint')
        .execute();

      await db.schema
        .createTable('counciltax_verification_grants')
        .addColumn('subject', 'varchar(256)', (c) => c.primaryKey())
        .addColumn('account_number', 'varchar(16)', (c) => c.notNull())
        .addColumn('granted_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('counciltax_grants_by_expiry')
        .on('counciltax_verification_grants')
        .column('expires_at')
        .execute();

      await db.schema
        .createTable('cases')
        .addColumn('reference', 'varchar(16)', (c) => c.primaryKey())
        .addColumn('kind', 'varchar(48)', (c) => c.notNull())
        .addColumn('topic', 'varchar(64)', (c) => c.notNull())
        .addColumn('priority', 'varchar(16)', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull().defaultTo('open'))
        .addColumn('channel', 'varchar(32)', (c) => c.notNull())
        .addColumn('conversation_id', 'varchar(256)')
        .addColumn('property_id', 'varchar(64)')
        .addColumn('account_number', 'varchar(16)')
        .addColumn('verified', 'integer', (c) => c.notNull())
        .addColumn('details', 'text', (c) => c.notNull())
        .addColumn('contact', 'text')
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('cases_by_status').on('cases').columns(['status', 'created_at']).execute();
      await db.schema.createIndex('cases_by_conversation').on('cases').column('conversation_id').execute();
    },
  };
}
