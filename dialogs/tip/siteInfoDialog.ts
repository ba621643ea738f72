/**
 * Questions about the tips that need no permit, answered in one reply:
 *
 *   "is the tip open tomorrow" / "...on boxing day" / "...on a bank holiday"  -> each tip's hours or why it is closed
 *   "can I take a fridge and some paint"                                      -> per material: where, the limit, or what to do instead
 *   "where is the tip"                                                        -> each tip's address (and directions on the web)
 */
import { Dialog, type DialogContext, type DialogTurnResult } from 'botbuilder-dialogs';
import type { IsoDate } from '../../services/bins/dates.js';
import type { MaterialAnswer, TipSite } from '../../services/tip/sites.js';
import { channelOf } from '../../services/channels/channels.js';
import type { Messages } from '../content.js';
import type { Channel } from '../../services/channels/channels.js';
import { formatDate, formatTime } from '../format.js';
import type { JobOptions } from '../mainDialog.js';
import { say } from '../reply.js';
import { dateIn } from '../dates/dateUnderstanding.js';
import { sendPermitAnswers } from './permitQuestions.js';
import type { TipServices } from './tipServices.js';
import { jobCompleted } from '../outcomes.js';

export const SITE_INFO_DIALOG = 'tip.siteInfo';

const WHERE = /\b(where|address|directions?|how (do|can) i get|find (it|the tip)|postcode of the tip)\b/i;

export class SiteInfoDialog extends Dialog<JobOptions> {
  constructor(
    private readonly tip: TipServices,
    private readonly messages: Messages,
  ) {
    super(SITE_INFO_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: JobOptions): Promise<DialogTurnResult> {
    const understanding = options?.understanding;
    const text = understanding?.text ?? '';
    const channel = channelOf(dc.context);
    const sites = await this.tip.sites.list();

    const materials = await this.tip.sites.materials(text);
    if (materials.length > 0) {
      await dc.context.sendActivity(materials.map((m) => this.material(m, sites, channel)).join('\n'));
      jobCompleted(dc.context, 'tip_info_answered');
      return dc.endDialog();
    }
    // "how many times can I go with a van": a permit question, whichever tip job it reached.
    if (
      await sendPermitAnswers(dc.context, this.tip, this.messages, understanding, (date, ch) =>
        this.openingLines(date, ch),
      )
    ) {
      jobCompleted(dc.context, 'tip_info_answered');
      return dc.endDialog();
    }
    if (WHERE.test(text)) {
      const lines = sites.map(
        (s) =>
          this.messages.render('tip.info.where', channel, {
            site: s.shortName,
            name: s.name,
            address: s.address,
            directions: s.directions,
          }).text,
      );
      await dc.context.sendActivity(lines.join('\n'));
      jobCompleted(dc.context, 'tip_info_answered');
      return dc.endDialog();
    }
    // A holiday by name is its own day ("boxing day" is the 26th, even when the bank holiday moves
    // to the Monday); "bank holiday monday" names the holiday, not the coming Monday.
    const date =
      dateIn(text, this.tip.clock(), { bankHolidays: this.tip.bankHolidays })?.value ??
      this.tip.policy.clock(this.tip.clock()).today;
    await dc.context.sendActivity((await Promise.all(sites.map((s) => this.opening(s, date, channel)))).join('\n'));
    await say(dc.context, this.messages, 'tip.info.after');
    jobCompleted(dc.context, 'tip_info_answered');
    return dc.endDialog();
  }

  /** Each tip's opening on the day (today when none is given), one line per tip. */
  async openingLines(date: IsoDate | undefined, channel: Channel): Promise<string> {
    const sites = await this.tip.sites.list();
    const day = date ?? this.tip.policy.clock(this.tip.clock()).today;
    return (await Promise.all(sites.map((s) => this.opening(s, day, channel)))).join('\n');
  }

  private async opening(site: TipSite, date: IsoDate, channel: Channel): Promise<string> {
    const now = this.tip.clock();
    const { today } = this.tip.policy.clock(now);
    const day = date === today ? this.messages.render('tip.info.today', channel).text : formatDate(date, channel, now);
    const opening = await this.tip.sites.openingOn(site.id, date);
    if (opening.open) {
      return this.messages.render('tip.info.open', channel, {
        site: site.shortName,
        day,
        opens: formatTime(opening.opens),
        closes: formatTime(opening.closes),
      }).text;
    }
    const [next] = await this.tip.sites.nextOpenDays(site.id, date, 1);
    return this.messages.render('tip.info.closed', channel, {
      site: site.shortName,
      day,
      reason: opening.reason,
      next: next ? formatDate(next.date, channel, now) : '-',
    }).text;
  }

  private material(answer: MaterialAnswer, sites: TipSite[], channel: Channel): string {
    const names = (ids: string[]) => ids.map((id) => sites.find((s) => s.id === id)?.shortName ?? id).join(' and ');
    const values = {
      material: answer.material.name,
      limit: answer.limit ? ` (${answer.limit})` : '',
      rule: answer.rule ?? '',
      alternative: answer.alternative ?? '',
      accepted: names(answer.acceptedAt),
      notAccepted: names(answer.notAcceptedAt),
    };
    if (!answer.accepted) return this.messages.render('tip.info.materialRefused', channel, values).text.trim();
    const id = answer.notAcceptedAt.length ? 'tip.info.materialSomeSites' : 'tip.info.materialAccepted';
    return this.messages.render(id, channel, values).text.trim();
  }
}
