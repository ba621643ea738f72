import type { Kysely } from 'kysely';

/**
 * The contact centre's workspace: a callback case can be claimed by one agent and closed with
 * an outcome (so two agents never phone the same resident), and each agent has an
 * availability (available, busy, away) that the console and the queue's estimate respect.
 */
export function workspace() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('cases').addColumn('claimed_by', 'varchar(64)').execute();
      await db.schema.alterTable('cases').addColumn('claimed_at', 'bigint').execute();
      await db.schema.alterTable('cases').addColumn('outcome', 'varchar(48)').execute();
      await db.schema
        .alterTable('agent_accounts')
        .addColumn('availability', 'varchar(16)', (c) => c.notNull().defaultTo('available'))
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.alterTable('agent_accounts').dropColumn('availability').execute();
      await db.schema.alterTable('cases').dropColumn('outcome').execute();
      await db.schema.alterTable('cases').dropColumn('claimed_at').execute();
      await db.schema.alterTable('cases').dropColumn('claimed_by').execute();
    },
  };
}
