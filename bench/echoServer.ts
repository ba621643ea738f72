/**
 * The benchmark's baseline: the same server, Direct Line adapter, storage, transcript and
 * metrics middleware as the assistant, with a bot that only echoes and saves its state.
 */
import { ActivityHandler, type ConversationState } from 'botbuilder';
import { startAssistant } from '../bot/assistant.js';

class EchoBot extends ActivityHandler {
  constructor(conversationState: ConversationState) {
    super();
    const turns = conversationState.createProperty<number>('turns');
    this.onMessage(async (context, next) => {
      await turns.set(context, (await turns.get(context, 0)) + 1);
      await context.sendActivity(`You said: ${context.activity.text ?? ''}`);
      await conversationState.saveChanges(context);
      await next();
    });
  }
}

const assistant = await startAssistant({ replaceBot: (state) => new EchoBot(state) });
process.once('SIGTERM', () => void assistant.stop().then(() => process.exit(0)));
