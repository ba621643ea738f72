/**
 * Hands the current message back to MainDialog to be understood afresh. A council tax answer
 * waits for a tap on one of its choices; when the resident writes something else instead
 * ("when is my bin day"), that message is a new question, not a wrong answer.
 */
import { DialogTurnStatus, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { MAIN_DIALOG } from '../mainDialog.js';

const REROUTED = Symbol('counciltax.rerouted');

export async function rerouteToMain(dc: DialogContext): Promise<DialogTurnResult> {
  // Once per message: a message routed back here again is not routed round in a loop.
  if (dc.context.turnState.get(REROUTED)) return dc.endDialog();
  dc.context.turnState.set(REROUTED, true);
  for (let at: DialogContext | undefined = dc; at; at = at.parent) {
    if (at.activeDialog?.id === MAIN_DIALOG) {
      // Replacing MainDialog ends this dialog with it and routes the same message again.
      await at.replaceDialog(MAIN_DIALOG);
      // The stacks below were replaced: nothing above should end or resume them.
      return { status: DialogTurnStatus.waiting };
    }
  }
  return dc.endDialog();
}
