/** Which agent saw or acted on which conversation, when (agent_audit). Never message content. */
import type { Db } from '../../store/database.js';

export type AuditAction = 'sign_in' | 'sign_out' | 'view' | 'accept' | 'reply' | 'note' | 'end' | 'transfer';

export class AgentAudit {
  constructor(private readonly db: Db) {}

  async record(agentId: string, action: AuditAction, at: number, request?: { id: string; conversationId: string }): Promise<void> {
    await this.db
      .insertInto('agent_audit')
      .values({ agent_id: agentId, action, request_id: request?.id ?? null, conversation_id: request?.conversationId ?? null, at })
      .execute();
  }

  async forConversation(conversationId: string): Promise<{ agentId: string; action: string; at: number }[]> {
    const rows = await this.db.selectFrom('agent_audit').select(['agent_id', 'action', 'at']).where('conversation_id', '=', conversationId).orderBy('id').execute();
    return rows.map((row) => ({ agentId: row.agent_id, action: row.action, at: row.at }));
  }
}
