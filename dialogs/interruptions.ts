/**
 * Words a resident can say at any point of any conversation. Every job dialog extends
 * InterruptibleDialog, so "help", "menu", "start again" and "cancel" work the same everywhere
 * without each dialog checking for itself (the samples' CancelAndHelpDialog, with more commands).
 *
 * "help" and "menu" keep the question in progress: after the help, or the main menu's choices,
 * the same question is asked again, so a resident who picks from the menu goes there (MainDialog
 * reads a menu choice as a new job) and one who answers the question carries on. "start again"
 * and "cancel" leave it.
 */
import { ComponentDialog, DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { ActivityTypes } from 'botbuilder';
import type { Messages } from './content.js';
import { say } from './reply.js';

export type Interruption = 'help' | 'menu' | 'restart' | 'cancel';

const COMMANDS: Record<string, Interruption> = {
  help: 'help',
  '?': 'help',
  menu: 'menu',
  'main menu': 'menu',
  restart: 'restart',
  'start again': 'restart',
  'start over': 'restart',
  cancel: 'cancel',
  stop: 'cancel',
  quit: 'cancel',
  exit: 'cancel',
  'never mind': 'cancel',
  'forget it': 'cancel',
};

const LEAD_WORDS =
  /^((never mind|nevermind|forget it|oh|ok|okay|just|please|can you|can i|i want to|go back to( the)?|back to( the)?) )+/;
const TAIL_WORDS = /( (please|pls|plz|thanks|thank you|then|now))+$/;

/** A message that is only a command word (so "help me find my bin day" is not an interruption). */
export function interruptionIn(text: string | undefined): Interruption | undefined {
  if (!text) return undefined;
  // "help?" is help; a lone "?" is too.
  const normalised =
    text.trim() === '?'
      ? '?'
      : text
          .toLowerCase()
          .replace(/[^a-z ]/g, ' ')
          .replace(/\s+/g, ' ')
          .trim();
  // "never mind, menu", "ok cancel please": the command with the words people put round it.
  return COMMANDS[normalised] ?? COMMANDS[normalised.replace(LEAD_WORDS, '').replace(TAIL_WORDS, '')];
}

export abstract class InterruptibleDialog extends ComponentDialog {
  protected constructor(
    id: string,
    protected readonly messages: Messages,
  ) {
    super(id);
  }

  override async onContinueDialog(inner: DialogContext): Promise<DialogTurnResult> {
    const handled = await this.interrupt(inner);
    return handled ?? super.onContinueDialog(inner);
  }

  private async interrupt(inner: DialogContext): Promise<DialogTurnResult | undefined> {
    if (inner.context.activity.type !== ActivityTypes.Message) return undefined;
    switch (interruptionIn(inner.context.activity.text)) {
      case 'help':
        await say(inner.context, this.messages, 'help');
        await inner.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      case 'menu':
        await say(inner.context, this.messages, 'menuMidQuestion');
        await inner.repromptDialog();
        return { status: DialogTurnStatus.waiting };
      case 'restart':
        await say(inner.context, this.messages, 'menu');
        return inner.cancelAllDialogs(true);
      case 'cancel':
        await say(inner.context, this.messages, 'cancelled');
        return inner.cancelAllDialogs(true);
      default:
        return undefined;
    }
  }
}
