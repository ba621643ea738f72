/** Which agent saw or acted on which conversation, when (agent_audit). Never message content. */
import type { Db } from '../../store/database.js';

export type AuditAction =
  | 'sign_in'
  | 'sign_in_failed'
  | 'sign_in_locked'
  | 'sign_out'
  | 'view'
  | 'accept'
  | 'reply'
  | 'note'
  | 'end'
  | 'transfer'
  | 'availability_available'
  | 'availability_busy'
  | 'availability_away'
  | 'callback_claim'
  | 'callback_close'
  | 'insights_inbox_view'
  | 'insights_label';

/** The agent id recorded for a failed sign-in to a username no account has (never the text typed). */
export const UNKNOWN_AGENT = '(unknown)';

export class AgentAudit {
  constructor(private readonly db: Db) {}

  async record(
    agentId: string,
    action: AuditAction,
    at: number,
    request?: { id: string; conversationId: string },
  ): Promise<void> {
    await this.db
      .insertInto('agent_audit')
      .values({
        agent_id: agentId,
        action,
        request_id: request?.id ?? null,
        conversation_id: request?.conversationId ?? null,
        at,
      })
      .execute();
  }

  /** Failed and refused sign-ins, newest last: for a supervisor reviewing guessing. */
  async signInFailures(since: number): Promise<{ agentId: string; action: string; at: number }[]> {
    const rows = await this.db
      .selectFrom('agent_audit')
      .select(['agent_id', 'action', 'at'])
      .where('action', 'in', ['sign_in_failed', 'sign_in_locked'])
      .where('at', '>=', since)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ agentId: row.agent_id, action: row.action, at: row.at }));
  }

  async forConversation(conversationId: string): Promise<{ agentId: string; action: string; at: number }[]> {
    const rows = await this.db
      .selectFrom('agent_audit')
      .select(['agent_id', 'action', 'at'])
      .where('conversation_id', '=', conversationId)
      .orderBy('id')
      .execute();
    return rows.map((row) => ({ agentId: row.agent_id, action: row.action, at: row.at }));
  }
}
