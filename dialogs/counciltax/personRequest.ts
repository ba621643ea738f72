/**
 * The port the council tax dialogs use to get a resident to a person. The dialogs decide when
 * (a summons, an account question only a person can answer) and with what; how is the port's:
 * the live handoff queue (LivePersonRequest), or a callback case (CallbackPersonRequest) for a
 * council without a live contact centre, with no change to a dialog.
 */
import type { TurnContext } from 'botbuilder';
import type { CasePriority } from '../../services/cases/cases.js';
import type { Channel } from '../../services/channels/channels.js';

export interface PersonRequestDetails {
  /** What the person is needed for, in words an agent reads first ("Summons or bailiffs"). */
  reason: string;
  priority: CasePriority;
  /** The topic or action id ("cant_pay", "account_request"). */
  topic: string;
  /** The account number the resident has just proved they hold, if they did. */
  verifiedAccount?: string;
  propertyId?: string;
  /** How to reach the resident, when they gave it. */
  contact?: string;
  /** What the assistant already collected or was told, so nobody asks again. */
  details?: Record<string, string>;
}

export interface PersonRequest {
  /**
   * Whether the resident must leave a phone number or email first: a callback needs one on the
   * web (by SMS the number is known); a live chat would not.
   */
  needsContact(channel: Channel): boolean;
  /** Passes the request on and tells the resident what happens next. */
  request(context: TurnContext, request: PersonRequestDetails): Promise<void>;
}
