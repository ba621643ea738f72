/**
 * Calendar dates as "yyyy-mm-dd" strings. Collection days are calendar dates, not instants:
 * arithmetic on them happens in UTC, where every day has 24 hours, so adding a week across a
 * clock change can never land on the wrong day. Only `now` is an instant, turned into the
 * council's local date and time once, in its own zone.
 */
import { DateTime } from 'luxon';

export type IsoDate = string;

/** What callers may pass as `now`. */
export type Instant = Date | DateTime;

const calendar = (date: IsoDate): DateTime => DateTime.fromISO(date, { zone: 'utc' });

export function addDays(date: IsoDate, days: number): IsoDate {
  return calendar(date).plus({ days }).toISODate() as IsoDate;
}

/** Monday 1 ... Sunday 7. */
export function isoWeekday(date: IsoDate): number {
  return calendar(date).weekday;
}

export function mondayOf(date: IsoDate): IsoDate {
  return addDays(date, 1 - isoWeekday(date));
}

/** Whole days from `from` to `to` (negative when `to` is earlier). */
export function daysBetween(from: IsoDate, to: IsoDate): number {
  return Math.round(calendar(to).diff(calendar(from), 'days').days);
}

/** The council's local date and time now, e.g. { date: "2026-11-23", time: "17:59" }. */
export function localNow(now: Instant, zone: string): { date: IsoDate; time: string; at: DateTime } {
  const at = (now instanceof Date ? DateTime.fromJSDate(now) : now).setZone(zone);
  return { date: at.toISODate() as IsoDate, time: at.toFormat('HH:mm'), at };
}
