/**
 * Bot middleware for the handoff. Before the dialogs see a resident's message it decides
 * whether the handoff owns the turn:
 * - while the conversation is queued or with an agent, every message is kept and relayed to
 *   the agent instead of the assistant ('back' leaves the queue);
 * - an open handoff question (callback yes/no, a contact, a rating) gets its answer;
 * - "that didn't help" goes straight to a person, whatever dialog was running.
 * An urgent message (self-harm, abuse, homeless tonight…) is never taken as the answer to an
 * open handoff question: it goes on to the dialogs, which answer it first (dialogs/urgent).
 * Otherwise the turn carries on to the bot. Bot Framework `handoff.status` events from an
 * external agent hub are honoured here too.
 */
import { ActivityTypes, type ConversationState, type Middleware, type TurnContext } from 'botbuilder';
import type { StatePropertyAccessor } from 'botbuilder';
import type { HandoffService } from '../../services/handoff/handoffService.js';
import type { Collected } from '../../services/handoff/types.js';
import { describeChannel } from '../../services/channels/channels.js';
import type { HandoffConversation } from './handoffConversation.js';

export class HandoffMiddleware implements Middleware {
  constructor(
    private readonly handoff: HandoffService,
    private readonly conversation: HandoffConversation,
    private readonly conversationState: ConversationState,
    private readonly collected: StatePropertyAccessor<Collected>,
    private readonly isUrgent: (text: string) => boolean = () => false,
  ) {}

  async onTurn(context: TurnContext, next: () => Promise<void>): Promise<void> {
    const activity = context.activity;
    // handoff.status comes from an agent hub through an authenticated Bot Framework channel;
    // our own Web Chat and SMS endpoints are the resident's, so an event posted there is ignored.
    if (
      activity.type === ActivityTypes.Event &&
      activity.name === 'handoff.status' &&
      describeChannel(activity.channelId).residentChannel
    )
      return;
    if (activity.type === ActivityTypes.Event && activity.name === 'handoff.status') {
      const value: unknown = activity.value;
      const state =
        value !== null && typeof value === 'object' && 'state' in value && typeof value.state === 'string'
          ? value.state
          : '';
      await this.handoff.externalStatus(context, state);
      await this.conversationState.saveChanges(context, false);
      return;
    }
    const conversationId = activity.conversation?.id;
    if (activity.type !== ActivityTypes.Message || !conversationId) return next();

    const text = (activity.text ?? '').trim();
    const active = await this.handoff.queue.activeFor(conversationId);
    if (active) {
      await this.conversation.whileActive(context, active, text);
      return this.save(context);
    }
    if (this.isUrgent(text)) {
      // "what number should we call?" - "he hits me, I need to get out": the help comes first.
      await this.conversation.forget(context);
      await next();
      return this.save(context);
    }
    if (await this.conversation.answer(context, text)) return this.save(context);

    if (this.handoff.contactCentre.saysNotHelped(text)) {
      const collected = await this.collected.get(context, {});
      await this.handoff.requestHandoff(context, {
        reason: 'not_helped',
        priority: 'normal',
        topic: collected.intent ?? 'general',
      });
      return this.save(context);
    }
    await next();
    // The bot normally saves state itself; this catches handoff state set during its turn.
    await this.save(context);
  }

  private async save(context: TurnContext): Promise<void> {
    await this.conversationState.saveChanges(context, false);
  }
}
