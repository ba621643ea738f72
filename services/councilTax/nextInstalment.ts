/**
 * The next instalment a resident still has to pay, as of today. The accounts file is a
 * snapshot: its "next instalment" may already be behind us when the resident asks (the file
 * said 1 December; it is now 2 December). Instalments fall on the same day each month until the
 * plan's last month (10 instalments: April to January; 12: April to March), so the next one
 * due is the first of those on or after today, and none once the plan's last has passed.
 * Never a past date called "next".
 */
import { DateTime } from 'luxon';
import type { Pence } from './money.js';

export interface InstalmentPlan {
  instalments: number;
  lastMonth: string;
}

export interface Instalment {
  date: string;
  amount: Pence;
}

export function nextInstalmentDue(
  recorded: Instalment | null,
  instalments: number,
  plans: readonly InstalmentPlan[],
  /** The financial year, "2026/27". */
  year: string,
  timeZone: string,
  now: Date,
): Instalment | null {
  if (!recorded) return null;
  const today = DateTime.fromJSDate(now, { zone: timeZone }).startOf('day');
  let due = DateTime.fromISO(recorded.date, { zone: timeZone });
  if (!due.isValid || due >= today) return recorded;
  const last = lastInstalmentMonth(instalments, plans, year, timeZone);
  const day = due.day;
  while (due < today) {
    const next = due.plus({ months: 1 }).startOf('month');
    due = next.set({ day: Math.min(day, next.daysInMonth ?? day) });
  }
  if (last && due.startOf('month') > last) return null;
  return { date: due.toISODate() ?? recorded.date, amount: recorded.amount };
}

/** The month the plan ends in: January 2027 for 10 instalments in 2026/27, March 2027 for 12. */
function lastInstalmentMonth(
  instalments: number,
  plans: readonly InstalmentPlan[],
  year: string,
  timeZone: string,
): DateTime | undefined {
  const plan = plans.find((p) => p.instalments === instalments);
  const startYear = Number(year.slice(0, 4));
  if (!plan || !Number.isFinite(startYear)) return undefined;
  const month = DateTime.fromFormat(plan.lastMonth, 'LLLL', { zone: timeZone, locale: 'en-GB' });
  if (!month.isValid) return undefined;
  // The financial year runs April to March: January to March are in its second calendar year.
  return DateTime.fromObject(
    { year: month.month < 4 ? startYear + 1 : startYear, month: month.month, day: 1 },
    { zone: timeZone },
  );
}
