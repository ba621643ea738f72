import type { Kysely } from 'kysely';
import { autoIncrementId, type Dialect } from './columns.js';

/**
 * Handoff to a person:
 * - handoff_requests: one row per time a resident asked for (or was routed to) a person: the
 *   queue, the assignment and the timers (accept_due_at) all live here, so a restart loses no
 *   waiting resident and any instance's sweep can act on a due timer;
 * - handoff_messages: what the resident sent while waiting or chatting, the agents' replies and
 *   their notes, in order;
 * - agent_accounts / agent_sessions: contact-centre staff (scrypt hashes; session ids stored
 *   only as SHA-256 hashes) and their sign-ins, which expire;
 * - agent_audit: which agent saw or acted on which conversation, when.
 */
export function handoff(dialect: Dialect) {
  return {
    async up(db: Kysely<unknown>): Promise<void> {
      await db.schema
        .createTable('handoff_requests')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('conversation_id', 'varchar(256)', (c) => c.notNull())
        .addColumn('channel_id', 'varchar(32)', (c) => c.notNull())
        .addColumn('reference', 'text', (c) => c.notNull())
        .addColumn('status', 'varchar(16)', (c) => c.notNull())
        .addColumn('priority', 'varchar(16)', (c) => c.notNull())
        .addColumn('priority_rank', 'integer', (c) => c.notNull())
        .addColumn('reason', 'varchar(48)', (c) => c.notNull())
        .addColumn('topic', 'varchar(128)', (c) => c.notNull())
        .addColumn('collected', 'text', (c) => c.notNull())
        .addColumn('agent_id', 'varchar(40)')
        .addColumn('queued_at', 'bigint', (c) => c.notNull())
        .addColumn('accept_due_at', 'bigint')
        .addColumn('callback_offered_at', 'bigint')
        .addColumn('assigned_at', 'bigint')
        .addColumn('ended_at', 'bigint')
        .addColumn('outcome', 'varchar(48)')
        .addColumn('case_reference', 'varchar(16)')
        .addColumn('rating', 'integer')
        .addColumn('updated_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('handoff_requests_queue')
        .on('handoff_requests')
        .columns(['status', 'priority_rank', 'queued_at'])
        .execute();
      await db.schema
        .createIndex('handoff_requests_by_conversation')
        .on('handoff_requests')
        .columns(['conversation_id', 'status'])
        .execute();
      await db.schema
        .createIndex('handoff_requests_due')
        .on('handoff_requests')
        .columns(['status', 'accept_due_at'])
        .execute();

      await autoIncrementId(db.schema.createTable('handoff_messages'), dialect)
        .addColumn('request_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('kind', 'varchar(16)', (c) => c.notNull())
        .addColumn('agent_id', 'varchar(40)')
        .addColumn('text', 'text', (c) => c.notNull())
        .addColumn('delivery', 'varchar(16)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('handoff_messages_by_request')
        .on('handoff_messages')
        .columns(['request_id', 'id'])
        .execute();

      await db.schema
        .createTable('agent_accounts')
        .addColumn('id', 'varchar(40)', (c) => c.primaryKey())
        .addColumn('username', 'varchar(64)', (c) => c.notNull().unique())
        .addColumn('display_name', 'varchar(100)', (c) => c.notNull())
        .addColumn('password_hash', 'text', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('disabled_at', 'bigint')
        .execute();

      await db.schema
        .createTable('agent_sessions')
        .addColumn('id_hash', 'varchar(64)', (c) => c.primaryKey())
        .addColumn('agent_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('csrf_token', 'varchar(64)', (c) => c.notNull())
        .addColumn('created_at', 'bigint', (c) => c.notNull())
        .addColumn('expires_at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema.createIndex('agent_sessions_by_expiry').on('agent_sessions').column('expires_at').execute();

      await autoIncrementId(db.schema.createTable('agent_audit'), dialect)
        .addColumn('agent_id', 'varchar(40)', (c) => c.notNull())
        .addColumn('action', 'varchar(32)', (c) => c.notNull())
        .addColumn('request_id', 'varchar(40)')
        .addColumn('conversation_id', 'varchar(256)')
        .addColumn('at', 'bigint', (c) => c.notNull())
        .execute();
      await db.schema
        .createIndex('agent_audit_by_conversation')
        .on('agent_audit')
        .columns(['conversation_id', 'at'])
        .execute();
    },
  };
}
