/**
 * The contact centre's settings, which belong to the council (data/<council>/contact-centre.json):
 * opening hours, the queue estimate per position, how long before a waiting resident is offered
 * a callback, the phrases that mean "that didn't help", and every word said to the resident
 * about the handoff. Urgent and safeguarding topics are in safeguarding/topics.json. Validated at load so a typo stops start-up naming the file and field.
 */
import { join } from 'node:path';
import { DateTime } from 'luxon';
import { z } from 'zod';
import { loadJsonFile } from '../data/loadDataFile.js';
import { CONTENT_KINDS, type Channel, type ContentKind } from '../channels/channels.js';

// "24:00" closes at midnight, so a service staffed round the clock is ["00:00", "24:00"].
const time = z.string().regex(/^(([01]\d|2[0-3]):[0-5]\d|24:00)$/, 'must be HH:MM (24-hour)');
const day = z.tuple([time, time]).nullable();
const pattern = z
  .string()
  .min(1)
  .refine((value) => {
    try {
      new RegExp(value, 'iu');
      return true;
    } catch {
      return false;
    }
  }, 'is not a valid regular expression');
const message = z.object(
  Object.fromEntries(CONTENT_KINDS.map((kind) => [kind, z.string().min(1)])) as Record<ContentKind, z.ZodString>,
);

export const HANDOFF_MESSAGE_IDS = [
  'queued',
  'queuedUrgent',
  'stillQueued',
  'alreadyQueued',
  'accepted',
  'agentSays',
  'left',
  'endedByResident',
  'ended',
  'ratingThanks',
  'transferred',
  'outOfHours',
  'timedOut',
  'askContact',
  'contactNotUnderstood',
  'callbackBooked',
  'callbackDeclined',
  'howPhone',
  'howEmail',
  'howSms',
  'busy',
  'busyUrgent',
  'outOfHoursUrgent',
  'askAbout',
  'callbackTimeHonoured',
  'callbackTimeDeclined',
  'askProperty',
  'askPropertyKnown',
  'propertyNotFound',
  'propertyNotOurs',
  'callbackNoProperty',
  'callbackHelp',
] as const;
export type HandoffMessageId = (typeof HANDOFF_MESSAGE_IDS)[number];

const schema = z.object({
  hours: z.object({
    timezone: z.string().refine((zone) => DateTime.local().setZone(zone).isValid, 'is not a known time zone'),
    weekly: z.object({ mon: day, tue: day, wed: day, thu: day, fri: day, sat: day, sun: day }),
    closedDates: z.array(z.iso.date()),
    description: z.string().min(1),
  }),
  queue: z.object({
    minutesPerPosition: z.number().positive().max(120),
    acceptTimeoutMinutes: z
      .number()
      .positive()
      .max(24 * 60),
    urgentAcceptTimeoutMinutes: z
      .number()
      .positive()
      .max(24 * 60),
    callbackWithinWorkingDays: z.number().int().positive().max(30),
  }),
  triggers: z.object({
    notHelped: pattern,
  }),
  words: z.object({
    leave: z.array(z.string().min(1)).min(1),
    yes: z.array(z.string().min(1)),
    no: z.array(z.string().min(1)),
  }),
  messages: z.object(
    Object.fromEntries(HANDOFF_MESSAGE_IDS.map((id) => [id, message])) as Record<HandoffMessageId, typeof message>,
  ),
});

export type ContactCentreData = z.infer<typeof schema>;
const WEEKDAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;

export class ContactCentre {
  private readonly notHelped: RegExp;

  constructor(readonly data: ContactCentreData) {
    this.notHelped = new RegExp(data.triggers.notHelped, 'iu');
  }

  static load(dataDir: string): ContactCentre {
    return new ContactCentre(loadJsonFile(join(dataDir, 'contact-centre.json'), schema));
  }

  /** True when an agent should be at a desk at `now` (weekly hours, minus closed dates). */
  isOpen(now: Date): boolean {
    const local = DateTime.fromJSDate(now).setZone(this.data.hours.timezone);
    if (this.data.hours.closedDates.includes(local.toISODate() ?? '')) return false;
    const hours = this.data.hours.weekly[WEEKDAYS[local.weekday - 1] ?? 'mon'];
    if (!hours) return false;
    const minutes = local.hour * 60 + local.minute;
    const [open, close] = hours.map((hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)));
    return open !== undefined && close !== undefined && minutes >= open && minutes < close;
  }

  /**
   * An honest, round estimate: minutes per place in the queue, shared among the agents
   * available to take residents now (one when nobody has said), never "0 minutes".
   */
  estimateMinutes(position: number, availableAgents = 1): number {
    return Math.max(1, Math.round((position * this.data.queue.minutesPerPosition) / Math.max(1, availableAgents)));
  }

  acceptTimeoutMs(priority: 'urgent' | 'normal'): number {
    const q = this.data.queue;
    return (priority === 'urgent' ? q.urgentAcceptTimeoutMinutes : q.acceptTimeoutMinutes) * 60_000;
  }

  /**
   * Whether a callback can be made at the time a resident asked for: some opening day must
   * leave at least half an hour inside both the preference and the hours.
   */
  canCallAt(preference: { from?: number; until?: number }): boolean {
    const from = preference.from ?? 0;
    const until = preference.until ?? 24 * 60;
    return Object.values(this.data.hours.weekly).some((day) => {
      if (!day) return false;
      const [open, close] = day.map((hhmm) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3)));
      if (open === undefined || close === undefined) return false;
      return Math.min(until, close) - Math.max(from, open) >= 30;
    });
  }

  saysNotHelped(text: string): boolean {
    return this.notHelped.test(text);
  }

  isWord(kind: 'leave' | 'yes' | 'no', text: string | undefined): boolean {
    const normalised = (text ?? '')
      .toLowerCase()
      .replace(/[^a-z ]/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return this.data.words[kind].includes(normalised);
  }

  render(
    id: HandoffMessageId,
    channel: Pick<Channel, 'content'>,
    values: Record<string, string | number> = {},
  ): string {
    const template = this.data.messages[id][channel.content];
    const all: Record<string, string | number> = { hours: this.data.hours.description, ...values };
    return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
      all[name] === undefined ? whole : String(all[name]),
    );
  }
}
