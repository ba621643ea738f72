/**
 * Dates and day parts in Europe/London: "today", "tomorrow"/"2moro", "sat", "next Saturday",
 * "sat morning", "15 March", "March 15th", "15/03", "15/03/2026", "yesterday", "last Tuesday".
 *
 * Choices (what a council would expect from a resident's message):
 * - A bare weekday ("saturday", "this sat") is the next one on or after today; "next saturday"
 *   is the one in next week (Monday to Sunday), which is what "next friday" means on a
 *   Wednesday; "this coming saturday" is the first one after today.
 * - "last tuesday" is the latest one before today (missed bins are reported after the fact).
 * - A day and month without a year is this year's, unless that is more than 60 days ago, when
 *   it is next year's: "15 March" in December means next March, "3 March" on 10 March is past.
 * - The fixed UK holidays by name ("boxing day", "xmas eve", "new years day") are the next one,
 *   today included; "over christmas", "xmas", "over new year" are periods (`until` is their
 *   last day) covering the days councils move collections and close tips for. Bank holidays
 *   that move from year to year ("bank holiday monday", "easter") come from the council's
 *   bank holidays file, so the jobs that know it read them.
 */
import { DateTime } from 'luxon';
import type { DateEntity, DayPart } from '../types.js';

export const ZONE = 'Europe/London';

const WEEKDAYS: Record<string, number> = {
  mon: 1,
  monday: 1,
  tue: 2,
  tues: 2,
  tuesday: 2,
  wed: 3,
  weds: 3,
  wednesday: 3,
  thu: 4,
  thur: 4,
  thurs: 4,
  thursday: 4,
  fri: 5,
  friday: 5,
  sat: 6,
  saturday: 6,
  sun: 7,
  sunday: 7,
};
const MONTHS: Record<string, number> = {
  jan: 1,
  january: 1,
  feb: 2,
  february: 2,
  mar: 3,
  march: 3,
  apr: 4,
  april: 4,
  may: 5,
  jun: 6,
  june: 6,
  jul: 7,
  july: 7,
  aug: 8,
  august: 8,
  sep: 9,
  sept: 9,
  september: 9,
  oct: 10,
  october: 10,
  nov: 11,
  november: 11,
  dec: 12,
  december: 12,
};
const DAY_PARTS: Record<string, DayPart> = {
  morning: 'morning',
  mornin: 'morning',
  morn: 'morning',
  am: 'morning',
  'a.m.': 'morning',
  afternoon: 'afternoon',
  arvo: 'afternoon',
  pm: 'afternoon',
  'p.m.': 'afternoon',
  lunchtime: 'afternoon',
  evening: 'evening',
  eve: 'evening',
  night: 'evening',
  tonight: 'evening',
};

const WD = Object.keys(WEEKDAYS)
  .filter((k) => !k.endsWith('_'))
  .sort((a, b) => b.length - a.length)
  .join('|');
const MO = Object.keys(MONTHS)
  .sort((a, b) => b.length - a.length)
  .join('|');
const DP = 'morning|mornin|morn|afternoon|arvo|lunchtime|evening|eve|night|a\\.m\\.|p\\.m\\.|am|pm';
const RELATIVE =
  'today|tonight|tomorrow|tomorow|tommorow|tommorrow|tomoz|tmrw|tmr|tmw|2moro|2morrow|2mrw|2day|yesterday|yday|day after tomorrow';

// One alternation, longest forms first; each branch names its groups.
const DATE = new RegExp(
  [
    `(?<rel>\\b(?:${RELATIVE})\\b)`,
    `(?<wdq>\\b(?:(?<q>this coming|this|next|last|coming) +)?(?<wd>${WD})\\b\\.?)`,
    `(?<dm>\\b(?<dmd>[0-3]?[0-9])(?:st|nd|rd|th)?(?: +of)? +(?<dmm>${MO})\\b\\.?(?: +(?<dmy>20[0-9]{2}))?)`,
    `(?<md>\\b(?<mdm>${MO})\\.? +(?<mdd>[0-3]?[0-9])(?:st|nd|rd|th)?\\b(?:,? +(?<mdy>20[0-9]{2}))?)`,
    `(?<num>(?<![0-9/.-])(?<nd>[0-3]?[0-9])[/.](?<nm>[01]?[0-9])(?:[/.](?<ny>(?:20)?[0-9]{2}))?(?![0-9/.]))`,
    `(?<iso>\\b(?<iy>20[0-9]{2})-(?<im>[01][0-9])-(?<id>[0-3][0-9])\\b)`,
  ].join('|'),
  'gi',
);
const DAY_PART_AFTER = new RegExp(`^(?:,? +(?:in the |in|at |first thing in the )?)(${DP})\\b`, 'i');
const DAY_PART_BEFORE = new RegExp(`\\b(${DP})(?: +on)? +$`, 'i');

function resolveYearless(today: DateTime, month: number, day: number): DateTime | null {
  const candidate = DateTime.fromObject({ year: today.year, month, day }, { zone: ZONE });
  if (!candidate.isValid) return null;
  return candidate < today.minus({ days: 60 }) ? candidate.plus({ years: 1 }) : candidate;
}

function relative(today: DateTime, word: string): { date: DateTime; dayPart?: DayPart } {
  const w = word.toLowerCase();
  if (w === 'yesterday' || w === 'yday') return { date: today.minus({ days: 1 }) };
  if (w === 'today' || w === '2day') return { date: today };
  if (w === 'tonight') return { date: today, dayPart: 'evening' };
  if (w === 'day after tomorrow') return { date: today.plus({ days: 2 }) };
  return { date: today.plus({ days: 1 }) };
}

function weekday(today: DateTime, target: number, qualifier: string | undefined, prefer: Preference): DateTime {
  const q = (qualifier ?? '').toLowerCase();
  if (q === 'last' || (q === '' && prefer === 'past')) {
    const back = (today.weekday - target + 7) % 7 || 7;
    return today.minus({ days: back });
  }
  const ahead = (target - today.weekday + 7) % 7;
  // "next friday" said on a Wednesday is next week's, as British residents mean it; "this
  // coming friday" is the one two days away.
  if (q === 'next') return today.startOf('week').plus({ weeks: 1, days: target - 1 });
  if (q === 'coming' || q === 'this coming') return today.plus({ days: ahead || 7 });
  return today.plus({ days: ahead });
}

function fullYear(y: string | undefined, fallback: number): number {
  if (!y) return fallback;
  return y.length === 2 ? 2000 + Number(y) : Number(y);
}

function resolve(
  today: DateTime,
  g: Record<string, string | undefined>,
  prefer: Preference,
): { date: DateTime | null; dayPart?: DayPart } {
  if (g.rel) return relative(today, g.rel);
  if (g.wd) return { date: weekday(today, WEEKDAYS[g.wd.toLowerCase()] ?? 1, g.q, prefer) };
  if (g.dm) {
    const month = MONTHS[(g.dmm ?? '').toLowerCase()] ?? 0;
    const day = Number(g.dmd);
    if (g.dmy) return { date: DateTime.fromObject({ year: Number(g.dmy), month, day }, { zone: ZONE }) };
    return { date: resolveYearless(today, month, day) };
  }
  if (g.md) {
    const month = MONTHS[(g.mdm ?? '').toLowerCase()] ?? 0;
    const day = Number(g.mdd);
    if (g.mdy) return { date: DateTime.fromObject({ year: Number(g.mdy), month, day }, { zone: ZONE }) };
    return { date: resolveYearless(today, month, day) };
  }
  if (g.num) {
    // British order: day/month.
    const day = Number(g.nd);
    const month = Number(g.nm);
    if (g.ny) return { date: DateTime.fromObject({ year: fullYear(g.ny, today.year), month, day }, { zone: ZONE }) };
    return { date: resolveYearless(today, month, day) };
  }
  if (g.iso)
    return {
      date: DateTime.fromObject({ year: Number(g.iy), month: Number(g.im), day: Number(g.id) }, { zone: ZONE }),
    };
  return { date: null };
}

/**
 * 'future' suits bookings; 'past' suits reports ("they missed my bin monday" means the Monday
 * just gone), so a bare weekday resolves backwards (today included).
 */
export type Preference = 'future' | 'past';

// "I sat down", "the sun is out": a pronoun or article before a short weekday form is prose.
const PROSE_BEFORE = /\b(?:i|he|she|we|they|you|it|the|a)\s+$/i;
const SHORT_FORMS = new Set(['sat', 'sun', 'wed', 'mar', 'may']);

/**
 * The start of the London day holding `now`. Luxon's time-zone arithmetic costs far more than
 * the patterns, so it is only worked out once a message has something that looks like a date,
 * and remembered for the hour: UK offsets are whole hours and change on the hour, so every
 * instant in one UTC hour has the same London date.
 */
let lastToday: { hour: number; today: DateTime } | null = null;
function londonToday(now: Date): DateTime {
  const hour = Math.floor(now.getTime() / 3_600_000);
  if (lastToday?.hour !== hour) lastToday = { hour, today: DateTime.fromJSDate(now, { zone: ZONE }).startOf('day') };
  return lastToday.today;
}

export function findDates(text: string, now: Date = new Date(), prefer: Preference = 'future'): DateEntity[] {
  let todayCache: DateTime | null = null;
  const found: DateEntity[] = [];
  for (const match of text.matchAll(DATE)) {
    const today = (todayCache ??= londonToday(now));
    const groups = match.groups ?? {};
    if (
      groups.wd &&
      !groups.q &&
      SHORT_FORMS.has(groups.wd.toLowerCase()) &&
      PROSE_BEFORE.test(text.slice(Math.max(0, match.index - 8), match.index))
    )
      continue;
    const resolved = resolve(today, groups, prefer);
    if (!resolved.date || !resolved.date.isValid) continue;
    let start = match.index;
    let end = start + match[0].length;
    let dayPart = resolved.dayPart;
    const after = DAY_PART_AFTER.exec(text.slice(end, end + 30));
    if (after?.[1]) {
      dayPart = DAY_PARTS[after[1].toLowerCase()] ?? dayPart;
      end += after[0].length;
    } else {
      const before = DAY_PART_BEFORE.exec(text.slice(Math.max(0, start - 25), start));
      if (before?.[1]) {
        dayPart = DAY_PARTS[before[1].toLowerCase()] ?? dayPart;
        start -= before[0].length;
      }
    }
    const iso = resolved.date.toISODate();
    if (!iso) continue;
    const entity: DateEntity = { type: 'date', text: text.slice(start, end), start, end, value: iso };
    if (dayPart) entity.dayPart = dayPart;
    found.push(entity);
  }
  const named = findNamedDays(text, now);
  if (named.length === 0) return mergeWeekdayWithDate(text, found);
  // A named day wins over anything found inside it ("new years day" holds no other date).
  const outside = found.filter((d) => !named.some((n) => d.start < n.end && n.start < d.end));
  return mergeWeekdayWithDate(
    text,
    [...outside, ...named].sort((a, b) => a.start - b.start),
  );
}

interface NamedDay {
  pattern: RegExp;
  named: string;
  /** Month and day of the first day, and (for a period) of the last. */
  from: [number, number];
  to?: [number, number];
}

const XMAS = '(?:christmas|xmas|x-mas|chrimbo|crimbo|chrissmas|christmass|cristmas)';
const NEW_YEAR = "(?:new\\s*year'?s?|new\\s*yrs?|nye)";
/** Longest first: "christmas eve" before the Christmas period. */
const NAMED_DAYS: NamedDay[] = [
  { pattern: new RegExp(`\\b${XMAS}\\s+eve\\b`, 'gi'), named: 'Christmas Eve', from: [12, 24] },
  { pattern: new RegExp(`\\b${XMAS}\\s+day\\b`, 'gi'), named: 'Christmas Day', from: [12, 25] },
  { pattern: /\bboxing\s+day\b/gi, named: 'Boxing Day', from: [12, 26] },
  { pattern: new RegExp(`\\b${NEW_YEAR}\\s+eve\\b|\\bnye\\b`, 'gi'), named: "New Year's Eve", from: [12, 31] },
  { pattern: new RegExp(`\\b${NEW_YEAR}\\s+day\\b`, 'gi'), named: "New Year's Day", from: [1, 1] },
  {
    pattern: new RegExp(
      `\\b${XMAS}(?:\\s+(?:and|&|n)\\s+${NEW_YEAR})?(?:\\s+(?:period|holidays?|hols|break|week|time))?\\b`,
      'gi',
    ),
    named: 'Christmas',
    from: [12, 24],
    to: [1, 3],
  },
  {
    pattern: new RegExp(
      `\\b(?:over|at|during|around|for)\\s+(?:the\\s+)?${NEW_YEAR}(?:\\s+(?:period|holidays?|break))?\\b`,
      'gi',
    ),
    named: 'New Year',
    from: [12, 31],
    to: [1, 3],
  },
];

/**
 * The next occurrence of a named day, today included; for a period, the one in progress or
 * the next. A period that crosses the new year starts in December.
 */
function occurrence(today: DateTime, day: NamedDay): { from: DateTime; to?: DateTime } {
  const at = (year: number, [month, d]: [number, number]) =>
    DateTime.fromObject({ year, month, day: d }, { zone: ZONE });
  if (!day.to) {
    const thisYear = at(today.year, day.from);
    return { from: thisYear < today ? thisYear.plus({ years: 1 }) : thisYear };
  }
  const crosses = day.to[0] < day.from[0];
  // The period that began last December is still running in early January.
  const lastYears = { from: at(today.year - 1, day.from), to: at(crosses ? today.year : today.year - 1, day.to) };
  if (today <= lastYears.to) return lastYears;
  const from = at(today.year, day.from);
  const to = at(crosses ? today.year + 1 : today.year, day.to);
  return today <= to ? { from, to } : { from: from.plus({ years: 1 }), to: to.plus({ years: 1 }) };
}

function findNamedDays(text: string, now: Date): DateEntity[] {
  if (!/christ|xmas|x-mas|chrimbo|crimbo|cristmas|boxing|new\s*y|nye/i.test(text)) return [];
  const today = londonToday(now);
  const found: DateEntity[] = [];
  for (const day of NAMED_DAYS) {
    for (const match of text.matchAll(day.pattern)) {
      const start = match.index;
      const end = start + match[0].length;
      if (found.some((f) => start < f.end && f.start < end)) continue;
      const { from, to } = occurrence(today, day);
      const value = from.toISODate();
      if (!value) continue;
      const entity: DateEntity = { type: 'date', text: match[0], start, end, value, named: day.named };
      const until = to?.toISODate();
      if (until) entity.until = until;
      found.push(entity);
    }
  }
  return found;
}

const WEEKDAY_ONLY = /^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?$/i;

/**
 * "Tuesday 1 December" is one date, not a Tuesday and a 1 December: a weekday written just
 * before a day and month names that date (whatever the weekday says), so the pair becomes
 * one entity spanning both.
 */
function mergeWeekdayWithDate(text: string, found: DateEntity[]): DateEntity[] {
  const merged: DateEntity[] = [];
  for (const entity of found) {
    const previous = merged[merged.length - 1];
    const between = previous ? text.slice(previous.end, entity.start) : '';
    if (previous && WEEKDAY_ONLY.test(previous.text.trim()) && /^[\s,]*(?:the\s+)?$/i.test(between)) {
      const dayPart = entity.dayPart ?? previous.dayPart;
      const combined: DateEntity = { ...entity, start: previous.start, text: text.slice(previous.start, entity.end) };
      if (dayPart) combined.dayPart = dayPart;
      merged[merged.length - 1] = combined;
      continue;
    }
    merged.push(entity);
  }
  return merged;
}

/** A prompt's answer as a date: "sat morning" -> { value: "2026-03-14", dayPart: "morning" }. */
export function parseDate(
  text: string,
  now: Date = new Date(),
  prefer: Preference = 'future',
): { value: string; dayPart?: DayPart } | null {
  const first = findDates(text, now, prefer)[0];
  if (!first) return null;
  return first.dayPart ? { value: first.value, dayPart: first.dayPart } : { value: first.value };
}
