/**
 * The account check before anything personal is shown: the 8-digit account number and the
 * property's postcode, in one message or two.
 *
 *   Assistant: To keep your account safe, I need your 8-digit council tax account number…
 *   Resident:  5000 1234
 *   Assistant: Thank you. And what's the postcode of the property?
 *   Resident:  df1 1aa
 *
 * A wrong pair is told only that "those details don't match", never which part. The Accounts
 * service counts the tries and locks further ones; the lock ends this dialog with the time
 * it lifts. A check already passed in this conversation (on SMS: from this phone, within the
 * grant's short time) is not asked again. Ends with `{ account }`, or undefined.
 */
import { ActivityTypes } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import { findPostcodes } from '../../intents/entities/postcode.js';
import { parseAccountNumber } from '../../intents/entities/accountNumber.js';
import type { AccountSummary, Accounts } from '../../services/councilTax/accounts.js';
import type { CouncilTaxReplies, Reply } from '../../services/councilTax/replies.js';
import { channelOf } from '../../services/channels/channels.js';
import type { Messages } from '../content.js';
import { wrongAnswer, type QuestionTries } from '../questions/retryPolicy.js';
import { say } from '../reply.js';

export const VERIFY_DIALOG = 'counciltax.verify';

export interface VerifyOptions {
  /** The first message, which may already hold the number and postcode. */
  text?: string;
}

export interface VerifyResult {
  account: AccountSummary;
}

interface VerifyState extends QuestionTries {
  accountNumber?: string;
  postcode?: string;
}

export class VerifyDialog extends Dialog<VerifyOptions> {
  constructor(
    private readonly accounts: Accounts,
    private readonly replies: CouncilTaxReplies,
    private readonly messages: Messages,
    private readonly clock: () => Date,
  ) {
    super(VERIFY_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: VerifyOptions): Promise<DialogTurnResult> {
    const state: VerifyState = {};
    dc.activeDialog!.state = state;
    const granted = await this.accounts.balance(dc.context.activity.conversation.id, this.clock());
    if (granted) return dc.endDialog({ account: granted } satisfies VerifyResult);
    this.read(state, options?.text ?? '');
    if (state.accountNumber && state.postcode) return this.check(dc, state);
    await this.send(dc, this.replies.message('verifyAsk'));
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const state = dc.activeDialog!.state as VerifyState;
    const text = dc.context.activity.text ?? '';
    if (!this.read(state, text)) {
      // Neither an account number nor a postcode: the shared retry policy.
      if ((await wrongAnswer(dc.context, this.messages, state)) === 'person') return dc.endDialog(undefined);
      // Digits that are not 8 of them were meant as an account number.
      const id =
        /\d/.test(text) || !state.accountNumber
          ? 'counciltax.verify.notAccountNumber'
          : 'counciltax.verify.askPostcode';
      await say(dc.context, this.messages, id);
      return Dialog.EndOfTurn;
    }
    if (!state.accountNumber) {
      await say(dc.context, this.messages, 'counciltax.verify.askAccount');
      return Dialog.EndOfTurn;
    }
    if (!state.postcode) {
      await say(dc.context, this.messages, 'counciltax.verify.askPostcode');
      return Dialog.EndOfTurn;
    }
    return this.check(dc, state);
  }

  override async repromptDialog(context: DialogContext['context']): Promise<void> {
    await context.sendActivity(this.replies.message('verifyAsk')[channelOf(context).content]);
  }

  /** Takes what the message holds; false when it holds neither part. */
  private read(state: VerifyState, text: string): boolean {
    const postcode = findPostcodes(text)[0];
    // A postcode's digits ("DF1 1AA") are never part of an account number.
    const rest = postcode ? text.slice(0, postcode.start) + ' ' + text.slice(postcode.end) : text;
    const accountNumber = parseAccountNumber(rest);
    if (accountNumber) state.accountNumber = accountNumber;
    if (postcode) state.postcode = postcode.value;
    return Boolean(accountNumber || postcode);
  }

  private async check(dc: DialogContext, state: VerifyState): Promise<DialogTurnResult> {
    const now = this.clock();
    const result = await this.accounts.verify(
      {
        accountNumber: state.accountNumber ?? '',
        postcode: state.postcode ?? '',
        subject: dc.context.activity.conversation.id,
        channel: channelOf(dc.context).content,
      },
      now,
    );
    if (result.ok) return dc.endDialog({ account: result.account } satisfies VerifyResult);
    if (result.reason === 'locked') {
      await this.send(dc, this.replies.locked(result.lockedUntil, now));
      return dc.endDialog(undefined);
    }
    // Both parts are asked again: saying which one to keep would say which one was right.
    delete state.accountNumber;
    delete state.postcode;
    await this.send(dc, this.replies.message('verifyNoMatch'));
    return Dialog.EndOfTurn;
  }

  private async send(dc: DialogContext, reply: Reply): Promise<void> {
    await dc.context.sendActivity(reply[channelOf(dc.context).content]);
  }
}
