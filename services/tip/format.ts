/** Dates and message templates as residents read them, shared by the tip services' answers. */
import { DateTime } from 'luxon';
import type { IsoDate } from '../bins/dates.js';

/** "Friday 4 December", with the year when it is not the year of `today`. */
export function formatDate(date: IsoDate, today?: IsoDate): string {
  const day = DateTime.fromISO(date, { zone: 'utc' });
  const sameYear = today !== undefined && today.slice(0, 4) === date.slice(0, 4);
  return day.toFormat(sameYear ? 'cccc d MMMM' : 'cccc d MMMM yyyy');
}

/** Fills {name} placeholders; tipData.ts checks at load that a template only uses known names. */
export function fillTemplate(template: string, values: Record<string, string | number>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** "a, b or c" */
export function orList(items: string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} or ${items[items.length - 1]}`;
}
