/**
 * The council tax words that are not a topic's answer: the account check, the verified
 * account reply for each status, the actions (cases and handoffs) with the questions they ask,
 * and the confirmation with a case reference. All from the data files, filled in here so the
 * dialogs only choose which reply to send.
 */
import { countOf } from '../words/plural.js';
import { DateTime } from 'luxon';
import type { AccountSummary } from './accounts.js';
import type { ActionData, ChannelMessage, CouncilTaxData, FieldData } from './councilTaxData.js';
import { ordinal } from './councilTaxData.js';
import { formatPounds } from './money.js';
import { fill, type TemplateValues } from './templates.js';

export interface Reply extends ChannelMessage {
  /** The action to offer next, if any. */
  offers?: string;
}

export interface ActionField {
  id: string;
  type: FieldData['type'];
  /** Its name when the answers are read back. */
  label: string;
  options?: string[];
  web: string;
  sms: string;
}

export interface Action {
  id: string;
  label: string;
  kind: 'case' | 'handoff';
  priority: ActionData['priority'];
  requiresVerification: boolean;
  /** What to ask, in order (empty for a handoff). */
  fields: ActionField[];
  respondWithinWorkingDays?: number;
}

export class CouncilTaxReplies {
  constructor(private readonly data: CouncilTaxData) {}

  message(id: string, values: TemplateValues = {}): Reply {
    const message = this.data.messages[id];
    if (!message) throw new Error(`No council tax message "${id}" in answers.json`);
    const all = { ...this.data.globals, ...values };
    return { web: fill(message.web, all), sms: fill(message.sms, all) };
  }

  /** What a resident who has just passed the check is told, by the account's status. */
  account(summary: AccountSummary): Reply {
    const rule = this.data.accountStatuses[summary.status];
    const next = summary.nextInstalment;
    const reply = this.message(rule.message, {
      last4: summary.last4,
      balance: formatPounds(summary.balance),
      credit: formatPounds(summary.balance),
      year: summary.year,
      ...(next ? { nextAmount: formatPounds(next.amount), nextDate: this.day(next.date) } : {}),
    });
    return rule.offers ? { ...reply, offers: rule.offers } : reply;
  }

  /** The locked reply: "until 3:42pm", or with the day when the lock ends on another day. */
  locked(lockedUntil: Date, now: Date): Reply {
    const until = DateTime.fromJSDate(lockedUntil, { zone: this.data.timeZone });
    const today = DateTime.fromJSDate(now, { zone: this.data.timeZone });
    const clock = until.toFormat('h:mma').toLowerCase();
    const time = until.hasSame(today, 'day') ? clock : `${clock} on ${until.toFormat('cccc d LLLL')}`;
    return this.message('verifyLocked', { time });
  }

  action(id: string): Action {
    const action = this.data.actions.get(id);
    if (!action) throw new Error(`No council tax action "${id}" in actions.json`);
    const fields = (action.collect ?? []).map((fieldId): ActionField => {
      const field = this.data.fields[fieldId];
      if (!field) throw new Error(`No field "${fieldId}" in actions.json`);
      const options = field.options === 'paymentDays' ? this.data.payments.paymentDays.map(ordinal) : field.options;
      const all = this.data.globals;
      return {
        id: fieldId,
        type: field.type,
        label: field.label ?? fieldId,
        ...(options ? { options } : {}),
        web: fill(field.web, all),
        sms: fill(field.sms, all),
      };
    });
    return {
      id: action.id,
      label: action.label,
      kind: action.kind,
      priority: action.priority,
      requiresVerification: action.requiresVerification,
      fields,
      ...(action.respondWithinWorkingDays ? { respondWithinWorkingDays: action.respondWithinWorkingDays } : {}),
    };
  }

  /** The thank-you with the case reference for a case action. */
  caseOpened(actionId: string, reference: string): Reply {
    const action = this.data.actions.get(actionId);
    if (!action?.confirm) throw new Error(`Council tax action "${actionId}" does not open a case`);
    // {days} stays for a council's older wording; {within} reads "1 working day", "10 working days".
    const days = action.respondWithinWorkingDays ?? 0;
    return this.message(action.confirm, { reference, days: String(days), within: countOf(days, 'working day') });
  }

  private day(isoDate: string): string {
    return DateTime.fromISO(isoDate, { zone: this.data.timeZone }).toFormat('cccc d LLLL');
  }
}
