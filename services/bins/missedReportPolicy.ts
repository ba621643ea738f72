/**
 * Whether a resident can report a missed collection now, and for which collection.
 * `decideMissedReport` is a pure function of the facts and the council's rules;
 * `MissedReportPolicy` gathers the facts through the BinCollections port, so the same rules
 * apply whichever waste system is behind it. Duplicates are not decided here: the
 * MissedCollections port returns the existing report for a collection already reported.
 */
import type { BinCollections } from './binCollections.js';
import type { CollectionRules } from './binData.js';
import { addDays, localNow, type Instant, type IsoDate } from './dates.js';
import type { ScheduledCollection, StreamId } from './types.js';
import type { WorkingDays } from './workingDays.js';

export interface MissedReportRules {
  timeZone: string;
  /** Local time on the collection day from which a report is accepted, e.g. "18:00". */
  reportFrom: string;
  /** Reports close at the end of this many working days after the collection day. */
  reportWithinWorkingDays: number;
  /** A missed bin is returned for within this many working days of the report. */
  returnWithinWorkingDays: number;
}

export function missedReportRules(rules: CollectionRules): MissedReportRules {
  return {
    timeZone: rules.timeZone,
    reportFrom: rules.missedCollection.reportFromCollectionDayAt,
    reportWithinWorkingDays: rules.missedCollection.reportWithinWorkingDays,
    returnWithinWorkingDays: rules.missedCollection.returnWithinWorkingDays,
  };
}

export type MissedReportDecision =
  | { ok: true; stream: StreamId; collectionDate: IsoDate; returnBy: IsoDate }
  /** The collection is today and the crews may still come; reports open at `reportFrom` (local HH:mm). */
  | { ok: false; reason: 'too_early'; stream: StreamId; collectionDate: IsoDate; reportFrom: string }
  /** No collection of this stream on `date` (or recently); the nearest ones, for the answer. */
  | {
      ok: false;
      reason: 'not_due';
      stream: StreamId;
      date?: IsoDate;
      lastCollection?: IsoDate;
      nextCollection?: IsoDate;
    }
  /** Too late to report the last collection; reports closed at the end of `windowClosed`. */
  | {
      ok: false;
      reason: 'window_passed';
      stream: StreamId;
      collectionDate: IsoDate;
      windowClosed: IsoDate;
      nextCollection?: IsoDate;
    }
  | { ok: false; reason: 'no_subscription'; stream: StreamId };

export interface MissedReportFacts {
  stream: StreamId;
  /** The property gets this stream (false: not subscribed, or not a stream its round has). */
  collected: boolean;
  requiresSubscription: boolean;
  now: Instant;
  /** The day the resident says it was missed, if they said; otherwise the latest collection. */
  date?: IsoDate;
  /** The stream's collections around today and `date` (see MissedReportPolicy for the span). */
  collections: readonly ScheduledCollection[];
}

export function decideMissedReport(
  facts: MissedReportFacts,
  rules: MissedReportRules,
  workingDays: WorkingDays,
): MissedReportDecision {
  const { stream } = facts;
  if (!facts.collected)
    return facts.requiresSubscription
      ? { ok: false, reason: 'no_subscription', stream }
      : { ok: false, reason: 'not_due', stream };

  const { date: today, time } = localNow(facts.now, rules.timeZone);
  const dates = facts.collections.map((c) => c.date).sort();
  const hasOpened = (d: IsoDate) => d < today || (d === today && time >= rules.reportFrom);
  const windowClosed = (d: IsoDate) => workingDays.addWorkingDays(d, rules.reportWithinWorkingDays);
  const last = dates.filter(hasOpened).at(-1);
  const next = dates.find((d) => !hasOpened(d));

  const judge = (collectionDate: IsoDate): MissedReportDecision => {
    if (!hasOpened(collectionDate))
      return { ok: false, reason: 'too_early', stream, collectionDate, reportFrom: rules.reportFrom };
    const closed = windowClosed(collectionDate);
    if (today > closed)
      return {
        ok: false,
        reason: 'window_passed',
        stream,
        collectionDate,
        windowClosed: closed,
        ...(next ? { nextCollection: next } : {}),
      };
    return {
      ok: true,
      stream,
      collectionDate,
      returnBy: workingDays.addWorkingDays(today, rules.returnWithinWorkingDays),
    };
  };

  if (facts.date !== undefined) {
    if (dates.includes(facts.date)) return judge(facts.date);
    return {
      ok: false,
      reason: 'not_due',
      stream,
      date: facts.date,
      ...(last ? { lastCollection: last } : {}),
      ...(next ? { nextCollection: next } : {}),
    };
  }
  // No date given: the latest collection that has happened, unless today's is still to come.
  if (last && today <= windowClosed(last)) return judge(last);
  if (next === today) return judge(today);
  if (last) return judge(last);
  return { ok: false, reason: 'not_due', stream, ...(next ? { nextCollection: next } : {}) };
}

/** How far back the facts reach: a report window never spans more than this. */
const LOOK_BACK_DAYS = 28;

export class MissedReportPolicy {
  constructor(
    private readonly bins: BinCollections,
    private readonly rules: MissedReportRules,
    private readonly workingDays: WorkingDays,
  ) {}

  async check(input: {
    propertyId: string;
    stream: StreamId;
    now: Instant;
    date?: IsoDate;
  }): Promise<MissedReportDecision> {
    const streams = await this.bins.streamsFor(input.propertyId);
    const info = streams.find((s) => s.id === input.stream);
    const { date: today } = localNow(input.now, this.rules.timeZone);
    const from = addDays(input.date !== undefined && input.date < today ? input.date : today, -LOOK_BACK_DAYS);
    const to = addDays(input.date !== undefined && input.date > today ? input.date : today, LOOK_BACK_DAYS);
    const collections = info?.collected
      ? await this.bins.scheduledCollections(input.propertyId, input.stream, from, to)
      : [];
    return decideMissedReport(
      {
        stream: input.stream,
        collected: info?.collected ?? false,
        requiresSubscription: info?.requiresSubscription ?? false,
        now: input.now,
        ...(input.date !== undefined ? { date: input.date } : {}),
        collections,
      },
      this.rules,
      this.workingDays,
    );
  }
}
