/**
 * Questions about permits, answered before any booking starts: "do I need a permit for my
 * pickup", "how many times can I go with a van", "how much is a van permit". The answers come
 * from the council's rules (policy.json) and words (tip/messages.json); booking is then offered,
 * not started, since the resident only asked. A message that asks to book ("can I book…",
 * "I need a permit for…") is a booking, not a question.
 */
import type { TurnContext } from 'botbuilder';
import type { IsoDate } from '../../services/bins/dates.js';
import { channelOf } from '../../services/channels/channels.js';
import type { Messages } from '../content.js';
import type { Channel } from '../../services/channels/channels.js';
import { choicesActivity } from '../reply.js';
import { dateIn } from '../dates/dateUnderstanding.js';
import type { Understanding } from '../understanding.js';
import type { TipServices } from './tipServices.js';

export type PermitQuestion = 'need' | 'visits' | 'cost' | 'hours';

const BOOKING = /\b(book|booking|reserve|get me|sign me up|apply)\b/i;
const QUESTIONS: [PermitQuestion, RegExp][] = [
  ['cost', /\b(cost|costs|how much|price|fee|charge|pay for|free)\b/i],
  ['visits', /\bhow (many|often)\b|\b(visits?|times) (a|per|each) (year|month)\b|\ballowance\b|\blimit\b/i],
  [
    'need',
    /\b(do|does|will|would|did) (i|you|we|my \w+) (need|require)\b|\bneed(ed|s)? (a|the) permit\s*\?|\b(is|are) (a )?permits? (needed|required|necessary)\b|\bwhat vehicles?\b|\bwhich vehicles?\b|\bcan i (use|go|come|bring|take)\b.*\b(van|pick-?up|trailer|truck|berlingo|transit)\b/i,
  ],
  ['hours', /\b(what time|opening times?|open|close|closes|shut|shuts)\b/i],
];

/** The permit questions a message asks; none when it asks to book or asks nothing about permits. */
export function permitQuestionsIn(text: string): PermitQuestion[] {
  if (BOOKING.test(text)) return [];
  const asked = QUESTIONS.filter(([, pattern]) => pattern.test(text)).map(([kind]) => kind);
  // Opening hours alone are the site information job's; here only beside a permit question.
  return asked.some((q) => q !== 'hours') ? asked : [];
}

/** The answer to each question asked, in the council's words, then the offer to book. */
export async function answerPermitQuestions(
  tip: TipServices,
  messages: Messages,
  channel: Channel,
  text: string,
  asked: PermitQuestion[],
  openingHours: () => Promise<string>,
): Promise<string[]> {
  const rules = tip.policy.rules;
  const facts = {
    visits: rules.visitsPerHousehold,
    months: rules.periodMonths,
    bookAhead: rules.bookAheadDays,
    maxTrailer: rules.maxTrailerLengthMetres,
  };
  const lines: string[] = [];
  if (asked.includes('hours')) lines.push(await openingHours());
  if (asked.includes('need')) {
    const vehicle = await tip.permits.vehicleFromText(text);
    const rule = vehicle ? tip.policy.vehicle(vehicle.id) : undefined;
    if (!rule) lines.push(messages.render('tip.permit.which', channel, facts).text);
    else if (rule.decision === 'permit')
      lines.push(messages.render('tip.permit.needed', channel, { ...facts, vehicle: rule.name }).text);
    else {
      // A car needs none; a tipper or a signwritten van cannot have one: the council's own reason.
      const eligibility = await tip.permits.eligibility({ vehicleType: rule.id });
      lines.push(
        eligibility.eligible
          ? messages.render('tip.permit.needed', channel, { ...facts, vehicle: rule.name }).text
          : eligibility.message,
      );
      if (rule.decision !== 'no_permit_needed') return lines;
      if (!asked.includes('cost') && !asked.includes('visits')) return lines;
    }
  }
  if (asked.includes('visits')) lines.push(messages.render('tip.permit.visits', channel, facts).text);
  if (asked.includes('cost')) lines.push(messages.render('tip.permit.cost', channel, facts).text);
  lines.push(messages.render('tip.permit.offer', channel).text);
  return lines;
}

/**
 * Answers the permit questions a message asks and offers booking as a choice (buttons on the
 * web, a number by SMS, so "yes", "1" or "ok book one then" takes it). Whichever tip job the
 * message reached (booking or site information), the resident gets the same answer. False when
 * the message asks no permit question.
 */
export async function sendPermitAnswers(
  context: TurnContext,
  tip: TipServices,
  messages: Messages,
  understanding: Understanding | undefined,
  openingLines: (date: IsoDate | undefined, channel: Channel) => Promise<string>,
): Promise<boolean> {
  const text = understanding?.text ?? '';
  const asked = permitQuestionsIn(text);
  if (!asked.length) return false;
  const channel = channelOf(context);
  const date = dateIn(text, tip.clock(), { bankHolidays: tip.bankHolidays })?.value;
  const lines = await answerPermitQuestions(tip, messages, channel, text, asked, () => openingLines(date, channel));
  const offer = messages.render('tip.permit.offer', channel);
  const last = lines.at(-1) === offer.text ? lines.pop() : undefined;
  if (lines.length) await context.sendActivity(lines.join('\n'));
  const label = messages.render('tip.permit.bookLabel', channel).text;
  if (last) await context.sendActivity(choicesActivity(last, [{ label, value: label }]));
  return true;
}
