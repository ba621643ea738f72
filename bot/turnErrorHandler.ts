/**
 * When a turn fails, the resident hears an apology and how else to get help (never "fix the
 * bot source code"), the error is logged without their words, and the dialog in progress is
 * ended so the next message starts cleanly instead of failing the same way again. Their other
 * state (verified details, handoff) is kept.
 */
import type { ConversationState, TurnContext } from 'botbuilder';
import type { Logger } from 'pino';
import type { Messages } from '../dialogs/content.js';
import { say } from '../dialogs/reply.js';

export function createTurnErrorHandler(logger: Logger, messages: Messages, conversationState: ConversationState) {
  return async (context: TurnContext, error: Error): Promise<void> => {
    logger.error(
      {
        err: { type: error.name, message: error.message, stack: error.stack },
        channelId: context.activity.channelId,
        conversationId: context.activity.conversation?.id,
      },
      'turn failed',
    );
    try {
      await say(context, messages, 'turnError');
    } catch (sendError) {
      logger.error({ err: sendError }, 'could not tell the resident about a failed turn');
    }
    try {
      const dialogState = conversationState.createProperty<{ dialogStack?: unknown[] }>('dialogState');
      await conversationState.load(context, true);
      await dialogState.set(context, { dialogStack: [] });
      await conversationState.saveChanges(context, true);
    } catch (stateError) {
      logger.error({ err: stateError }, 'could not reset the dialog after a failed turn');
    }
  };
}
