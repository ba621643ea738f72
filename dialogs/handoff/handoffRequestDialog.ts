/**
 * The job MainDialog begins for `agent.request` ("can I speak to a person"): queues the
 * resident for the contact centre (or offers a callback when it is closed) and ends, so the
 * handoff middleware has the conversation from the next message on.
 */
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { HandoffService } from '../../services/handoff/handoffService.js';
import type { HandoffPriority, HandoffReason } from '../../services/handoff/types.js';

export const HANDOFF_REQUEST_DIALOG = 'handoff.request';

/** Optional options: MainDialog's `{ understanding }` works as is. */
export interface HandoffRequestOptions {
  understanding?: { intent: string };
  reason?: HandoffReason;
  priority?: HandoffPriority;
  topic?: string;
}

export class HandoffRequestDialog extends Dialog<HandoffRequestOptions> {
  constructor(private readonly handoff: HandoffService) {
    super(HANDOFF_REQUEST_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: HandoffRequestOptions): Promise<DialogTurnResult> {
    await this.handoff.requestHandoff(dc.context, {
      reason: options?.reason ?? 'asked',
      priority: options?.priority ?? 'normal',
      topic: options?.topic ?? options?.understanding?.intent ?? 'agent.request',
    });
    return dc.endDialog();
  }
}
