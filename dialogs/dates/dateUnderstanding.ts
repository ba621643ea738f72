/**
 * One way every job reads a date from what a resident wrote, in Europe/London:
 *
 * 1. The UK's named days and periods first: "boxing day", "christmas eve", "new year's day",
 *    "over christmas" (a period, with its last day as `until`) from the named-day layer of the
 *    entity extractors, and the bank holidays that move each year ("bank holiday monday",
 *    "easter monday", "good friday") from the council's own bank holidays file.
 * 2. chrono-node's British English parser (day-first dates: "4/12" is 4 December) for
 *    everything else: "tomorrow", "next friday", "12th jan", "in 2 weeks", "friday afternoon",
 *    taught what it does not know about how residents write: "the 3rd" (the next 3rd of a
 *    month), "tuesday week", "2moro"/"tmrw", and "last tuesday" as the one just gone.
 *
 * 'future' suits bookings and questions about what is coming; 'past' suits reports ("they
 * missed my bin monday" is the Monday just gone).
 */
import * as chrono from 'chrono-node';
import { DateTime } from 'luxon';
import { findDates } from '../../intents/entities/dates.js';
import type { DateEntity, DayPart } from '../../intents/types.js';

export type DatePreference = 'future' | 'past';
export const DATE_ZONE = 'Europe/London';

export interface BankHolidayDay {
  date: string;
  title: string;
}

export interface DateReadingOptions {
  prefer?: DatePreference;
  /** The council's bank holidays (England and Wales), for the ones that move every year. */
  bankHolidays?: readonly BankHolidayDay[];
}

/** Slang and misspellings chrono does not know, written as the word it does (same meaning). */
const SLANG: [RegExp, string][] = [
  [/\b(2moro|2morrow|2mrw|tmrw|tmr|tmw|tomoz|tomorow|tommorow|tommorrow)\b/gi, 'tomorrow'],
  [/\b2day\b/gi, 'today'],
  [/\byday\b/gi, 'yesterday'],
];

const WEEKDAY_NUMBERS: Record<string, number> = { mon: 1, tue: 2, wed: 3, thu: 4, fri: 5, sat: 6, sun: 7 };
const WEEKDAY = '(mon|tue|wed|thu|fri|sat|sun)[a-z]*';

/** "the 3rd", "on the 21st": a day of the month alone, the next one (or, looking back, the last). */
const ORDINAL_DAY =
  /\b(?:the\s+)([0-3]?\d)(st|nd|rd|th)\b(?!\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec))/i;
/** "tuesday week", "a week on tuesday": the Tuesday after the coming one. */
const WEEKDAY_WEEK = new RegExp(`\\b(?:${WEEKDAY}\\s+week|a\\s+week\\s+on\\s+${WEEKDAY})\\b`, 'i');
/** "last tuesday": the latest Tuesday before today (chrono's forward dating would move it ahead). */
const LAST_WEEKDAY = new RegExp(`\\blast\\s+${WEEKDAY}\\b`, 'i');

const DAY_PART_WORDS: [RegExp, DayPart][] = [
  [/\b(morning|mornin|morn|a\.?m\.?)\b/i, 'morning'],
  [/\b(afternoon|arvo|lunchtime|p\.?m\.?)\b/i, 'afternoon'],
  [/\b(evening|tonight|night)\b/i, 'evening'],
];

/** Chrono for British English, with the readings residents use that it does not have. */
const parser = (() => {
  const gb = chrono.en.GB.clone();
  gb.parsers.unshift(
    {
      pattern: () => ORDINAL_DAY,
      extract: (context, match) => {
        const day = Number(match[1]);
        if (day < 1 || day > 31) return null;
        const today = DateTime.fromJSDate(context.reference.instant, { zone: DATE_ZONE }).startOf('day');
        let date = today.set({ day });
        const forward = context.option.forwardDate !== false;
        if (forward && (date < today || date.day !== day)) date = today.plus({ months: 1 }).set({ day });
        if (!forward && date > today) date = today.minus({ months: 1 }).set({ day });
        return { day: date.day, month: date.month, year: date.year };
      },
    },
    {
      pattern: () => WEEKDAY_WEEK,
      extract: (context, match) => {
        const name = (match[1] ?? match[2] ?? '').slice(0, 3).toLowerCase();
        const target = WEEKDAY_NUMBERS[name];
        if (!target) return null;
        const today = DateTime.fromJSDate(context.reference.instant, { zone: DATE_ZONE }).startOf('day');
        const coming = today.plus({ days: (target - today.weekday + 7) % 7 || 7 });
        const date = coming.plus({ weeks: 1 });
        return { day: date.day, month: date.month, year: date.year };
      },
    },
    {
      pattern: () => LAST_WEEKDAY,
      extract: (context, match) => {
        const target = WEEKDAY_NUMBERS[(match[1] ?? '').slice(0, 3).toLowerCase()];
        if (!target) return null;
        const today = DateTime.fromJSDate(context.reference.instant, { zone: DATE_ZONE }).startOf('day');
        const date = today.minus({ days: (today.weekday - target + 7) % 7 || 7 });
        return { day: date.day, month: date.month, year: date.year };
      },
    },
  );
  return gb;
})();

/** Every date (or named period) in the text, in the order written. */
export function datesIn(text: string, now: Date, options: DateReadingOptions = {}): DateEntity[] {
  const prefer = options.prefer ?? 'future';
  const named = [...namedDays(text, now), ...bankHolidaysNamed(text, now, options.bankHolidays ?? [])];
  const readable = SLANG.reduce(
    (t, [pattern, word]) =>
      t.replace(pattern, (m) => word.padEnd(m.length, ' ').slice(0, Math.max(m.length, word.length))),
    text,
  );
  const results = parser.parse(readable, { instant: now, timezone: DATE_ZONE }, { forwardDate: prefer === 'future' });
  const found: DateEntity[] = [];
  for (const result of results) {
    const start = result.index;
    const end = start + result.text.length;
    if (named.some((n) => start < n.end && n.start < end)) continue;
    if (!namesADay(result.text)) continue;
    const day = withResidentsYear(
      DateTime.fromJSDate(result.start.date(), { zone: DATE_ZONE }),
      result.start,
      now,
      prefer,
    );
    const value = day.toISODate();
    if (!value) continue;
    const entity: DateEntity = { type: 'date', text: text.slice(start, end), start, end, value };
    const dayPart = dayPartNear(text, start, end);
    if (dayPart) entity.dayPart = dayPart;
    found.push(entity);
  }
  return [...found, ...named].sort((a, b) => a.start - b.start);
}

/** How far back a day and month without a year may be and still mean this year's. */
const RECENT_DAYS = 60;

/**
 * A day and month without a year ("1 december", "15 March"): this year's, unless that is more
 * than two months ago, when it is next year's (so "1 december" on 2 December is yesterday, and
 * the resident is told it has passed, rather than a year away). Looking back, never a day ahead.
 */
function withResidentsYear(
  day: DateTime,
  components: chrono.ParsedComponents,
  now: Date,
  prefer: DatePreference,
): DateTime {
  if (components.isCertain('year') || !components.isCertain('month') || !components.isCertain('day')) return day;
  const today = DateTime.fromJSDate(now, { zone: DATE_ZONE }).startOf('day');
  const thisYear = day.set({ year: today.year });
  if (!thisYear.isValid) return day;
  if (prefer === 'past') return thisYear > today ? thisYear.minus({ years: 1 }) : thisYear;
  return thisYear < today.minus({ days: RECENT_DAYS }) ? thisYear.plus({ years: 1 }) : thisYear;
}

/** Words that name a day; chrono also reads "the day", "now" and "at 3", which name none. */
const DAY_WORDS =
  /\d|\b(mon|tue|wed|thu|fri|sat|sun|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)|\b(today|tomorrow|yesterday|tonight|weeks?|fortnight)\b/i;
/** "last week", "next month": no day a job can use, so the resident is asked for one. */
const VAGUE = /^(last|next|this|the|coming)\s+(week|month|year)$/i;

function namesADay(text: string): boolean {
  const said = text.trim();
  if (VAGUE.test(said)) return false;
  // A time alone ("at 3", "3pm") is not a day.
  if (/^(at\s+)?\d{1,2}([:.]\d{2})?\s*(am|pm)?$/i.test(said)) return false;
  return DAY_WORDS.test(said);
}

/** The first date in the text, if any. */
export function dateIn(text: string, now: Date, options: DateReadingOptions = {}): DateEntity | undefined {
  return datesIn(text, now, options)[0];
}

/** A time of day said with the date ("sat morning", "in the afternoon on friday"). */
function dayPartNear(text: string, start: number, end: number): DayPart | undefined {
  const around = text.slice(Math.max(0, start - 20), Math.min(text.length, end + 30));
  return DAY_PART_WORDS.find(([pattern]) => pattern.test(around))?.[1];
}

/** The fixed named days and the Christmas and New Year periods. */
function namedDays(text: string, now: Date): DateEntity[] {
  return findDates(text, now).filter((d) => d.named !== undefined);
}

/** Words of GOV.UK's holiday titles a resident uses for them. */
const HOLIDAY_WORDS = ['good friday', 'easter', 'early may', 'spring', 'summer'];

/**
 * Bank holidays that move each year, by the council's file: "easter monday", "the may bank
 * holiday", "bank holiday monday" (the next bank holiday on a Monday), "the bank holiday".
 */
function bankHolidaysNamed(text: string, now: Date, holidays: readonly BankHolidayDay[]): DateEntity[] {
  if (holidays.length === 0) return [];
  const lower = text.toLowerCase();
  const today = DateTime.fromJSDate(now, { zone: DATE_ZONE }).toISODate() ?? '';
  const upcoming = holidays.filter((h) => h.date >= today).sort((a, b) => a.date.localeCompare(b.date));
  const word = HOLIDAY_WORDS.find((w) => lower.includes(w));
  const bankHoliday = /\bbank\s*hol(iday)?s?\b(\s+mon(day)?\b)?/i.exec(text);
  let holiday: BankHolidayDay | undefined;
  let at: { start: number; end: number } | undefined;
  if (word) {
    holiday = upcoming.find((h) => h.title.toLowerCase().includes(word));
    const index = lower.indexOf(word);
    at = { start: index, end: index + word.length };
  } else if (bankHoliday) {
    const monday = /mon/i.test(bankHoliday[0]) || /\bmon(day)?\b/i.test(text);
    holiday = monday ? upcoming.find((h) => DateTime.fromISO(h.date, { zone: DATE_ZONE }).weekday === 1) : upcoming[0];
    at = { start: bankHoliday.index, end: bankHoliday.index + bankHoliday[0].length };
  }
  if (!holiday || !at) return [];
  // "bank holiday monday" is one day, not a bank holiday and the coming Monday.
  const mondayAfter = /^\s+mon(day)?\b/i.exec(text.slice(at.end));
  const end = mondayAfter ? at.end + mondayAfter[0].length : at.end;
  const mondayBefore = /\bmon(day)?\s+$/i.exec(text.slice(0, at.start));
  const start = mondayBefore ? mondayBefore.index : at.start;
  return [{ type: 'date', text: text.slice(start, end), start, end, value: holiday.date, named: holiday.title }];
}
