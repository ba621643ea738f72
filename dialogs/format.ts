/** Dates as residents read them: "Tuesday 25 November" on the web, "Tue 25 Nov" by text. */
import { DateTime } from 'luxon';
import type { Channel } from './content.js';

export const COUNCIL_ZONE = 'Europe/London';

export function formatDate(isoDate: string, channel: Channel, now: Date = new Date()): string {
  const date = DateTime.fromISO(isoDate, { zone: COUNCIL_ZONE, locale: 'en-GB' });
  if (!date.isValid) return isoDate;
  const sameYear = date.year === DateTime.fromJSDate(now, { zone: COUNCIL_ZONE }).year;
  const format = channel === 'sms' ? 'ccc d LLL' : 'cccc d LLLL';
  return date.toFormat(sameYear ? format : `${format} yyyy`);
}

/** "18:00" -> "6pm", "07:30" -> "7:30am". */
export function formatTime(hhmm: string): string {
  const time = DateTime.fromFormat(hhmm, 'HH:mm', { locale: 'en-GB' });
  if (!time.isValid) return hhmm;
  return time.toFormat(time.minute === 0 ? 'ha' : 'h:mma').toLowerCase();
}
