/**
 * The council tax dialogs' PersonRequest over the live handoff queue: the resident is queued
 * for the contact centre (or offered a callback out of hours) with the reason, the priority and
 * everything the assistant checked, so the agent does not ask again.
 */
import type { TurnContext } from 'botbuilder';
import type { HandoffService } from '../../services/handoff/handoffService.js';
import type { PersonRequest, PersonRequestDetails } from './personRequest.js';

export class LivePersonRequest implements PersonRequest {
  constructor(
    private readonly handoff: Pick<HandoffService, 'requestHandoff'>,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A live chat needs no contact details first; a callback offer asks for them itself. */
  needsContact(): boolean {
    return false;
  }

  async request(context: TurnContext, request: PersonRequestDetails): Promise<void> {
    await this.handoff.requestHandoff(context, {
      reason: request.reason,
      // Hardship, summonses and bailiffs cannot wait for a callback: the queue has two levels,
      // so anything above normal goes first.
      priority: request.priority === 'normal' ? 'normal' : 'urgent',
      topic: request.topic,
      collected: {
        intent: request.topic,
        ...(request.propertyId ? { propertyId: request.propertyId } : {}),
        ...(request.contact ? { contact: request.contact } : {}),
        ...(request.verifiedAccount
          ? { verified: { accountNumber: request.verifiedAccount, at: this.clock().toISOString() } }
          : {}),
      },
    });
  }
}
