/**
 * The assistant itself, the same on every channel: greet residents when a conversation
 * starts, and hand every message to the dialogs. State is saved at the end of each turn, so a
 * restart (or another instance) carries the conversation on where it was.
 */
import {
  ActivityHandler,
  ActivityTypes,
  type ConversationState,
  type StatePropertyAccessor,
  type TurnContext,
  type UserState,
} from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import { OfferedChoices } from '../dialogs/choices/offeredChoices.js';
import { loadResidentMemory, type ResidentMemory } from '../dialogs/memory/residentMemory.js';
import type { Messages } from '../dialogs/content.js';
import type { MainDialog } from '../dialogs/mainDialog.js';
import { say } from '../dialogs/reply.js';
import { channelOf } from '../services/channels/channels.js';
import type { TurnInsights } from './turnInsights.js';

export interface CouncilBotOptions {
  /**
   * A first message that must be answered alone, without the welcome in front of it: a
   * resident at risk reads the help first, not the bin and tip menu.
   */
  answersAlone?: (text: string) => boolean;
  /** The assistant's clock (tests fix it): how long what a resident told us is remembered is counted by it. */
  clock?: () => Date;
  /** Counts what each turn achieved and asks whether a completed job answered the question. */
  insights?: TurnInsights;
}

export class CouncilBot extends ActivityHandler {
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  /** SMS only: a greeting owed, said before the answer to the first message (or not at all). */
  private readonly greetingOwed: StatePropertyAccessor<boolean>;
  private readonly offered: OfferedChoices;
  private readonly residentMemory: StatePropertyAccessor<ResidentMemory>;
  /** The handoff's open question (a callback offer, a rating), if any: see services/handoff. */
  private readonly handoffStage: StatePropertyAccessor<{ stage?: string }>;

  constructor(
    private readonly conversationState: ConversationState,
    private readonly userState: UserState,
    private readonly mainDialog: MainDialog,
    private readonly messages: Messages,
    private readonly options: CouncilBotOptions = {},
  ) {
    super();
    this.dialogState = conversationState.createProperty<DialogState>('dialogState');
    this.greetingOwed = conversationState.createProperty<boolean>('greetingOwed');
    this.residentMemory = conversationState.createProperty<ResidentMemory>('residentMemory');
    this.handoffStage = conversationState.createProperty<{ stage?: string }>('handoff');
    this.offered = new OfferedChoices(conversationState.createProperty('offeredChoices'), messages);

    this.onMembersAdded(async (context, next) => {
      const residentJoined = (context.activity.membersAdded ?? []).some(
        (member) => member.id !== context.activity.recipient?.id,
      );
      if (residentJoined) {
        // A new conversation, or (on SMS) one resumed after a long silence: start afresh rather
        // than carry on a half-finished question the resident has forgotten.
        await this.dialogState.set(context, { dialogStack: [] });
        await this.options.insights?.conversationStarted(context);
        // By SMS the conversation starts with the resident's own text, which the welcome would
        // otherwise precede in the same reply: the message turn decides whether to say it.
        if (channelOf(context).welcome === 'withFirstReply') await this.greetingOwed.set(context, true);
        else await say(context, this.messages, 'welcome');
      }
      await next();
    });

    this.onMessage(async (context, next) => {
      if (await this.greetingOwed.get(context, false)) {
        await this.greetingOwed.delete(context);
        if (!this.options.answersAlone?.(context.activity.text ?? '')) await say(context, this.messages, 'welcome');
      }
      // "Did this answer your question?" asked last turn: a yes or no answers it; anything else is a new message.
      if (await this.options.insights?.beforeMessage(context)) return next();
      // A reply to the choices just offered is that choice, before anything reads it as a new question.
      await loadResidentMemory(context, this.residentMemory, this.options.clock?.());
      const jobInProgress = ((await this.dialogState.get(context))?.dialogStack.length ?? 0) > 0;
      if (!(await this.offered.take(context, jobInProgress))) await this.mainDialog.run(context, this.dialogState);
      if (this.options.insights) {
        const waiting =
          ((await this.dialogState.get(context))?.dialogStack.length ?? 0) > 0 ||
          Boolean((await this.handoffStage.get(context))?.stage);
        await this.options.insights.afterMessage(context, waiting);
      }
      await next();
    });
  }

  override async run(context: TurnContext): Promise<void> {
    this.offered.watch(context);
    await super.run(context);
    if (context.activity.type === ActivityTypes.Message || context.activity.type === ActivityTypes.ConversationUpdate) {
      await this.conversationState.saveChanges(context, false);
      await this.userState.saveChanges(context, false);
    }
  }
}
