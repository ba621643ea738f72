import type { Kysely } from 'kysely';

/**
 * Failed agent sign-ins per username, in the database rather than one process's memory, so
 * the lock-out holds across every instance and a restart: spreading guesses over
 * instances behind a load balancer gains an attacker nothing.
 */
export function agentSignInFailures() {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('agent_sign_in_failures')
        .addColumn('username', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('failures', 'integer', (c) => c.notNull())
        .addColumn('since', 'bigint', (c) => c.notNull())
        .execute();
    },
    async down(db: Kysely<unknown>): Promise<void> {
      await db.schema.dropTable('agent_sign_in_failures').execute();
    },
  };
}
