/** Dates as residents read them: "Tuesday 25 November" on the web, "Tue 25 Nov" by text. */
import { DateTime } from 'luxon';
import { writesShort, type Channel } from '../services/channels/channels.js';

export const COUNCIL_ZONE = 'Europe/London';

export function formatDate(isoDate: string, channel: Pick<Channel, 'segmentBudget'>, now: Date = new Date()): string {
  const date = DateTime.fromISO(isoDate, { zone: COUNCIL_ZONE, locale: 'en-GB' });
  if (!date.isValid) return isoDate;
  const sameYear = date.year === DateTime.fromJSDate(now, { zone: COUNCIL_ZONE }).year;
  const format = writesShort(channel) ? 'ccc d LLL' : 'cccc d LLLL';
  return date.toFormat(sameYear ? format : `${format} yyyy`);
}

/** "18:00" -> "6pm", "07:30" -> "7:30am". */
export function formatTime(hhmm: string): string {
  const time = DateTime.fromFormat(hhmm, 'HH:mm', { locale: 'en-GB' });
  if (!time.isValid) return hhmm;
  return time.toFormat(time.minute === 0 ? 'ha' : 'h:mma').toLowerCase();
}

/**
 * A UK number as people write it: "+447700900123" -> "07700 900123", "+441632960000" ->
 * "01632 960000". Anything else (an email, a number from abroad) is shown as it is.
 */
export function formatPhone(value: string): string {
  const national = /^\+44(\d{10})$/.exec(value.replace(/\s+/g, ''))?.[1];
  if (!national) return value;
  const digits = `0${national}`;
  if (digits.startsWith('07')) return `${digits.slice(0, 5)} ${digits.slice(5)}`;
  if (/^02/.test(digits)) return `${digits.slice(0, 3)} ${digits.slice(3, 7)} ${digits.slice(7)}`;
  if (/^0[358]/.test(digits)) return `${digits.slice(0, 4)} ${digits.slice(4, 7)} ${digits.slice(7)}`;
  return `${digits.slice(0, 5)} ${digits.slice(5)}`;
}
