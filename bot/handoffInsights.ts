/**
 * What the handoff tells the council's insights: each handoff, grouped by why it happened, how
 * long residents waited in the queue, and their ratings afterwards.
 */
import type { TurnContext } from 'botbuilder';
import type { HandoffInsights } from '../services/handoff/handoffService.js';
import type { HandoffRequestInput } from '../services/handoff/types.js';
import type { HandoffReasonGroup, InsightEvents } from '../services/insights/events.js';
import type { TurnInsights } from './turnInsights.js';

/**
 * The four groups the contact centre reports: the resident asked (or said the assistant was no
 * help), the assistant did not understand, something urgent, or the job itself needs a person
 * (an account check that failed, a council tax change only staff can make…).
 */
export function reasonGroup(input: Pick<HandoffRequestInput, 'reason' | 'priority'>): HandoffReasonGroup {
  if (input.priority === 'urgent' || input.reason === 'sensitive') return 'urgent';
  if (input.reason === 'misunderstood') return 'not_understood';
  if (input.reason === 'asked' || input.reason === 'frustrated' || input.reason === 'not_helped') return 'asked';
  return 'job_needs_person';
}

export function handoffInsights(events: InsightEvents, turns: TurnInsights, clock: () => number): HandoffInsights {
  return {
    async handedOver(context: TurnContext, input) {
      const key = await turns.keyOf(context);
      await events.record(
        { channel: context.activity.channelId ?? 'unknown', ...(key ? { conversationKey: key } : {}), at: clock() },
        [{ kind: 'handoff', name: reasonGroup(input) }],
      );
    },
    async leftQueue(request, how, waitedMs) {
      await events.record({ channel: request.channelId, at: clock() }, [
        { kind: 'handoff_wait', name: how, value: Math.max(0, waitedMs) },
      ]);
    },
    async rated(request, rating) {
      await events.record({ channel: request.channelId, at: clock() }, [{ kind: 'rating', value: rating }]);
    },
  };
}
