/** Cases in the store's `cases` table (migration 005), on SQLite or PostgreSQL. */
import type { Selectable } from 'kysely';
import type { Db } from '../../store/database.js';
import { withNewReference } from '../../store/references.js';
import type { CaseTable } from '../../store/schema.js';
import {
  CASE_PRIORITIES,
  type Case,
  type CaseKind,
  type CasePriority,
  type Cases,
  type ClaimResult,
  type NewCase,
} from './cases.js';

function isPriority(value: string): value is CasePriority {
  return (CASE_PRIORITIES as readonly string[]).includes(value);
}

function toCase(row: Selectable<CaseTable>): Case {
  const details: unknown = JSON.parse(row.details);
  return {
    reference: row.reference,
    kind: row.kind,
    topic: row.topic,
    // A row written by an older or other writer with an unknown priority is still worked.
    priority: isPriority(row.priority) ? row.priority : 'normal',
    status: row.status === 'closed' ? 'closed' : 'open',
    channel: row.channel,
    conversationId: row.conversation_id ?? '',
    ...(row.property_id !== null ? { propertyId: row.property_id } : {}),
    ...(row.account_number !== null ? { accountNumber: row.account_number } : {}),
    verified: row.verified === 1,
    details: details !== null && typeof details === 'object' && !Array.isArray(details) ? { ...details } : {},
    ...(row.contact !== null ? { contact: row.contact } : {}),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    ...(row.claimed_by ? { claimedBy: row.claimed_by } : {}),
    ...(row.claimed_at !== null && row.claimed_at !== undefined ? { claimedAt: new Date(Number(row.claimed_at)) } : {}),
    ...(row.outcome ? { outcome: row.outcome } : {}),
  };
}

export class DbCases implements Cases {
  constructor(private readonly db: Db) {}

  async open(input: NewCase, now: Date): Promise<{ reference: string }> {
    const at = now.getTime();
    return withNewReference(
      'HC',
      async (reference) => {
        await this.db
          .insertInto('cases')
          .values({
            reference,
            kind: input.kind,
            topic: input.topic,
            priority: input.priority,
            status: 'open',
            channel: input.channel,
            conversation_id: input.conversationId,
            property_id: input.propertyId ?? null,
            account_number: input.accountNumber ?? null,
            verified: input.verified ? 1 : 0,
            details: JSON.stringify(input.details),
            contact: input.contact ?? null,
            created_at: at,
            updated_at: at,
          })
          .execute();
        return { reference };
      },
      async (reference) => (await this.get(reference)) !== null,
    );
  }

  async get(reference: string): Promise<Case | null> {
    const row = await this.db
      .selectFrom('cases')
      .selectAll()
      .where('reference', '=', reference.trim().toUpperCase())
      .executeTakeFirst();
    return row ? toCase(row) : null;
  }

  async listOpen(limit = 200): Promise<Case[]> {
    return this.openCases(limit);
  }

  async listOpenOfKind(kind: CaseKind, limit = 200): Promise<Case[]> {
    return this.openCases(limit, kind);
  }

  private async openCases(limit: number, kind?: CaseKind): Promise<Case[]> {
    let query = this.db.selectFrom('cases').selectAll().where('status', '=', 'open');
    if (kind) query = query.where('kind', '=', kind);
    const rows = await query
      .orderBy((eb) =>
        eb.case().when('priority', '=', 'urgent').then(0).when('priority', '=', 'high').then(1).else(2).end(),
      )
      .orderBy('created_at')
      .orderBy('reference')
      .limit(limit)
      .execute();
    return rows.map(toCase);
  }

  async claim(reference: string, agentId: string, now: Date): Promise<ClaimResult> {
    const key = reference.trim().toUpperCase();
    // One conditional UPDATE: two agents claiming at once, one wins.
    const result = await this.db
      .updateTable('cases')
      .set({ claimed_by: agentId, claimed_at: now.getTime(), updated_at: now.getTime() })
      .where('reference', '=', key)
      .where('status', '=', 'open')
      .where((eb) => eb.or([eb('claimed_by', 'is', null), eb('claimed_by', '=', agentId)]))
      .executeTakeFirst();
    if (Number(result.numUpdatedRows) === 1) return { ok: true };
    const current = await this.get(key);
    return { ok: false, reason: !current ? 'missing' : current.status === 'closed' ? 'closed' : 'claimed' };
  }

  async close(reference: string, now: Date, outcome?: string): Promise<boolean> {
    const result = await this.db
      .updateTable('cases')
      .set({ status: 'closed', updated_at: now.getTime(), ...(outcome ? { outcome } : {}) })
      .where('reference', '=', reference.trim().toUpperCase())
      .executeTakeFirst();
    return Number(result.numUpdatedRows) > 0;
  }
}
