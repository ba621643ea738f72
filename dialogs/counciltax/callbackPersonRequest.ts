/**
 * A PersonRequest that opens a callback case in Cases: the contact centre's queue, with the
 * priority, the reason and what was collected, so an agent can call back without asking the
 * resident again. The resident gets the HC- reference and the phone number for anything that
 * cannot wait. The live handoff will replace this behind the same port.
 */
import type { TurnContext } from 'botbuilder';
import type { Cases } from '../../services/cases/cases.js';
import { channelOf, residentPhoneOf, type Channel } from '../../services/channels/channels.js';
import type { Messages } from '../content.js';
import { say } from '../reply.js';
import type { PersonRequest, PersonRequestDetails } from './personRequest.js';

export class CallbackPersonRequest implements PersonRequest {
  constructor(
    private readonly cases: Cases,
    private readonly messages: Messages,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  /** A channel that knows the resident's number needs no other way to call them back. */
  needsContact(channel: Channel): boolean {
    return channel.residentIdentifiedBy === 'nothing';
  }

  async request(context: TurnContext, request: PersonRequestDetails): Promise<void> {
    const channel = channelOf(context);
    const contact = request.contact ?? residentPhoneOf(context);
    const { reference } = await this.cases.open(
      {
        kind: 'callback',
        topic: request.topic,
        priority: request.priority,
        channel: context.activity.channelId ?? channel,
        conversationId: context.activity.conversation.id,
        verified: request.verifiedAccount !== undefined,
        ...(request.verifiedAccount ? { accountNumber: request.verifiedAccount } : {}),
        ...(request.propertyId ? { propertyId: request.propertyId } : {}),
        ...(contact ? { contact } : {}),
        details: { reason: request.reason, ...request.details },
      },
      this.clock(),
    );
    const id = request.priority === 'urgent' ? 'counciltax.callback.urgent' : 'counciltax.callback.opened';
    await say(context, this.messages, id, { reference });
  }
}
