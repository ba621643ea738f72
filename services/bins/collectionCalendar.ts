/**
 * A round's collection dates from the data: the usual pattern (weekly, or fortnightly counted
 * from a reference week), moved by the bank holiday rule, or by a one-off change, which wins.
 */
import { WEEKDAY_NUMBER } from '../data/schemas.js';
import {
  MAX_CHANGE_DAYS,
  type BankHoliday,
  type BinData,
  type CollectionPattern,
  type OneOffChange,
  type Round,
} from './binData.js';
import { addDays, daysBetween, isoWeekday, mondayOf, type IsoDate } from './dates.js';
import type { ScheduledCollection, StreamId } from './types.js';

/** The slip rule moves a collection a few days at most; changes at most MAX_CHANGE_DAYS. */
const LOOK_AROUND_DAYS = MAX_CHANGE_DAYS + 7;

export class CollectionCalendar {
  private readonly holidays = new Map<IsoDate, BankHoliday>();
  /** Weekday bank holidays that move collections (not those the crews work, e.g. Good Friday). */
  private readonly slipping = new Set<IsoDate>();
  private readonly catchUpDay: number;

  constructor(private readonly data: BinData) {
    const slip = data.rules.bankHolidaySlip;
    const worked = new Set(slip.holidaysWithoutSlip);
    for (const holiday of data.bankHolidays) {
      this.holidays.set(holiday.date, holiday);
      if (isoWeekday(holiday.date) <= 5 && !worked.has(holiday.title)) this.slipping.add(holiday.date);
    }
    this.catchUpDay = WEEKDAY_NUMBER[slip.catchUpDay];
  }

  round(roundId: string): Round | undefined {
    return this.data.rounds.get(roundId);
  }

  /** Collections of the stream on the round whose actual date is in [from, to], by date. */
  collections(roundId: string, stream: StreamId, from: IsoDate, to: IsoDate): ScheduledCollection[] {
    const round = this.data.rounds.get(roundId);
    const pattern = round?.streams[stream];
    if (!round || !pattern) return [];
    const found: ScheduledCollection[] = [];
    // Usual dates a little outside the range can move into it (Friday 31 Dec to Saturday 2 Jan).
    for (const usual of usualDates(round, pattern, addDays(from, -LOOK_AROUND_DAYS), addDays(to, LOOK_AROUND_DAYS))) {
      const collection = this.move(round.id, stream, usual);
      if (collection.date >= from && collection.date <= to) found.push(collection);
    }
    return found.sort((a, b) => a.date.localeCompare(b.date));
  }

  private move(roundId: string, stream: StreamId, usual: IsoDate): ScheduledCollection {
    const change = this.changeFor(roundId, stream, usual);
    if (change)
      return { stream, date: change.newDate, originalDate: usual, reason: { kind: 'one_off', reason: change.reason } };

    // The slip rule: each slipping weekday bank holiday earlier in the week, or on the day,
    // moves the collection a day later; it never lands on a bank holiday or a day crews
    // do not work (Sunday, and Saturday unless it is the catch-up day).
    const monday = mondayOf(usual);
    const causes: IsoDate[] = [];
    for (let day = monday; day <= usual; day = addDays(day, 1)) if (this.slipping.has(day)) causes.push(day);
    const first = causes[0];
    if (first === undefined) return { stream, date: usual };
    let date = addDays(usual, causes.length * this.data.rules.bankHolidaySlip.daysLaterPerHoliday);
    while (this.holidays.has(date) || !this.isCollectionDay(date)) date = addDays(date, 1);
    if (date === usual) return { stream, date: usual };
    const holiday = this.holidays.get(first) as BankHoliday;
    return {
      stream,
      date,
      originalDate: usual,
      reason: { kind: 'bank_holiday', holiday: holiday.title, holidayDate: holiday.date },
    };
  }

  private isCollectionDay(date: IsoDate): boolean {
    const weekday = isoWeekday(date);
    return weekday <= 5 || weekday === this.catchUpDay;
  }

  private changeFor(roundId: string, stream: StreamId, usual: IsoDate): OneOffChange | undefined {
    return this.data.changes.find(
      (c) =>
        c.date === usual && (!c.rounds || c.rounds.includes(roundId)) && (!c.streams || c.streams.includes(stream)),
    );
  }
}

/** The usual collection dates in [from, to]: the round's weekday, every week or every other. */
function usualDates(round: Round, pattern: CollectionPattern, from: IsoDate, to: IsoDate): IsoDate[] {
  const weekday = WEEKDAY_NUMBER[round.day];
  let day = addDays(from, (weekday - isoWeekday(from) + 7) % 7);
  const dates: IsoDate[] = [];
  for (; day <= to; day = addDays(day, 7)) {
    if (pattern.frequency === 'fortnightly') {
      // Whole weeks between the Mondays: an even count is a collection week.
      const weeks = daysBetween(mondayOf(pattern.referenceDate), mondayOf(day)) / 7;
      if (weeks % 2 !== 0) continue;
    }
    dates.push(day);
  }
  return dates;
}
