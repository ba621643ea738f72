/**
 * Counts what a turn achieved for the council's insights (services/insights), and asks "did
 * this answer your question?" after a completed job. CouncilBot calls it at the start and the
 * end of each message turn; it writes only when something worth counting happened: a
 * conversation's first message, a job completed, a message not understood, an answer to the
 * question. Those rows join the turn's own transaction where the channel holds one.
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import { AnsweredQuestion, type AnsweredQuestionMemory } from '../dialogs/satisfaction/answeredQuestion.js';
import { jobsCompletedThisTurn, notUnderstoodThisTurn } from '../dialogs/outcomes.js';
import { understoodThisTurn } from '../dialogs/mainDialog.js';
import type { Messages } from '../dialogs/content.js';
import { conversationKey, type InsightEvent, type InsightEvents } from '../services/insights/events.js';
import type { InsightInbox } from '../services/insights/inbox.js';

/**
 * Kept with the conversation's state (saved every turn anyway, so no extra write): when it
 * started, for its key, and when the resident last wrote, which tells the insights report a
 * conversation still going from one abandoned (services/insights/report.ts reads it there).
 */
export interface ConversationInsightsMemory {
  startedAt?: number;
  lastMessageAt?: number;
}

const STARTED = Symbol('turnInsights.started');

export class TurnInsights {
  private readonly answered: AnsweredQuestion;

  constructor(
    private readonly memory: StatePropertyAccessor<ConversationInsightsMemory>,
    answeredMemory: StatePropertyAccessor<AnsweredQuestionMemory>,
    messages: Messages,
    private readonly events: InsightEvents,
    private readonly inbox: InsightInbox,
    private readonly clock: () => Date = () => new Date(),
  ) {
    this.answered = new AnsweredQuestion(answeredMemory, messages);
  }

  /** The conversation's key for its events, from its start (set by the first message). */
  async keyOf(context: TurnContext): Promise<string | undefined> {
    const { startedAt } = await this.memory.get(context, {});
    const id = context.activity.conversation?.id;
    return startedAt !== undefined && id ? conversationKey(id, startedAt) : undefined;
  }

  /** A conversation (re)starts: the next message is its first. */
  async conversationStarted(context: TurnContext): Promise<void> {
    await this.memory.delete(context);
    await this.answered.reset(context);
  }

  /**
   * Before the dialogs: notes a conversation's first message, and takes the answer to "did this
   * answer your question?". True when the message was that answer (the turn is done).
   */
  async beforeMessage(context: TurnContext): Promise<boolean> {
    const memory = await this.memory.get(context, {});
    const now = this.clock().getTime();
    if (memory.startedAt === undefined) {
      memory.startedAt = now;
      context.turnState.set(STARTED, true);
    }
    memory.lastMessageAt = now;
    await this.memory.set(context, memory);
    const answer = await this.answered.take(context);
    if (!answer) return false;
    await this.record(context, [{ kind: 'answered', name: answer }]);
    return true;
  }

  /**
   * After the dialogs: counts what they reported, keeps a message not understood for the
   * inbox, and asks whether a completed job answered the question when nothing else is waiting
   * for an answer (`waitingForAnswer`: a job's or the handoff's question is open).
   */
  async afterMessage(context: TurnContext, waitingForAnswer: boolean): Promise<void> {
    const events: InsightEvent[] = [];
    const jobs = jobsCompletedThisTurn(context);
    for (const name of jobs) events.push({ kind: 'job', name });
    const next = notUnderstoodThisTurn(context);
    const understanding = understoodThisTurn(context);
    if (next) {
      events.push({ kind: 'not_understood', name: next });
      await this.inbox.add({
        text: context.activity.text ?? '',
        channel: context.activity.channelId ?? 'unknown',
        guess: understanding?.intent ?? 'None',
        nextStep: next,
        at: this.clock().getTime(),
      });
    }
    if (jobs.length > 0 && !waitingForAnswer) await this.answered.ask(context);
    await this.record(context, events, understanding?.intent);
  }

  private async record(context: TurnContext, events: InsightEvent[], firstIntent?: string): Promise<void> {
    const id = context.activity.conversation?.id;
    const { startedAt } = await this.memory.get(context, {});
    if (!id || startedAt === undefined) return;
    // The conversation's own row comes with its first message, named by what that message asked.
    if (context.turnState.get(STARTED) === true) {
      context.turnState.delete(STARTED);
      events.unshift({ kind: 'conversation', conversationId: id, ...(firstIntent ? { firstIntent } : {}) });
    }
    await this.events.record(
      {
        channel: context.activity.channelId ?? 'unknown',
        conversationKey: conversationKey(id, startedAt),
        at: this.clock().getTime(),
      },
      events,
    );
  }
}
