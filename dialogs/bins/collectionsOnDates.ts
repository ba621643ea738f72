/**
 * Bin collections for the day or period a resident asked about ("on boxing day", "over
 * christmas", "25 December"), with every move and its reason: residents ask about a date
 * because they expect a change, so the answer leads with what moved. A day with nothing to
 * collect says so and gives the next collections after it.
 */
import { DateTime } from 'luxon';
import type { BinCollections } from '../../services/bins/binCollections.js';
import { addDays, type IsoDate } from '../../services/bins/dates.js';
import type { PropertyStream, ScheduledCollection } from '../../services/bins/types.js';
import type { Messages } from '../content.js';
import type { Channel } from '../../services/channels/channels.js';
import { COUNCIL_ZONE, formatDate } from '../format.js';
import type { UnderstoodEntity } from '../understanding.js';

type DateAsked = Extract<UnderstoodEntity, { type: 'date' }>;

/** How far either side of the asked days a moved collection may come from. */
const MOVE_REACH_DAYS = 14;
/** How far after an empty day to look for the next collections. */
const NEXT_REACH_DAYS = 35;

interface Found extends ScheduledCollection {
  stream: string;
  name: string;
  container: string;
}

export async function describeCollectionsOn(
  bins: BinCollections,
  messages: Messages,
  channel: Channel,
  property: { id: string; address: string },
  streams: PropertyStream[],
  asked: DateAsked,
  now: Date,
): Promise<string> {
  const from = asked.value as IsoDate;
  const to = (asked.until ?? asked.value) as IsoDate;
  const inRange = (date: string | undefined) => date !== undefined && date >= from && date <= to;
  const today = DateTime.fromJSDate(now, { zone: COUNCIL_ZONE }).toISODate();
  const date = (iso: string) =>
    iso === today ? messages.render('bins.today', channel).text : formatDate(iso, channel, now);
  const reasonOf = (c: ScheduledCollection) =>
    c.reason?.kind === 'bank_holiday' ? c.reason.holiday : (c.reason?.reason ?? '');

  const collections = async (start: IsoDate, end: IsoDate): Promise<Found[]> => {
    const all = await Promise.all(
      streams.map(async (s) =>
        (await bins.scheduledCollections(property.id, s.id, start, end)).map((c) => ({
          ...c,
          name: s.name,
          container: s.container,
        })),
      ),
    );
    return all
      .flat()
      .sort(
        (a, b) => (a.originalDate ?? a.date).localeCompare(b.originalDate ?? b.date) || a.date.localeCompare(b.date),
      );
  };
  const line = (c: Found) =>
    c.originalDate && c.originalDate !== c.date
      ? messages.render('bins.movedLine', channel, {
          originalDate: date(c.originalDate),
          date: date(c.date),
          name: c.name,
          container: c.container,
          reason: reasonOf(c),
        }).text
      : messages.render('bins.line', channel, { date: date(c.date), name: c.name, container: c.container, moved: '' })
          .text;

  const when = asked.until
    ? messages.render('bins.period', channel, { named: asked.named ?? '', from: date(from), to: date(to) }).text
    : `${date(from)}${asked.named ? ` (${asked.named})` : ''}`;
  const found = (await collections(addDays(from, -MOVE_REACH_DAYS), addDays(to, MOVE_REACH_DAYS))).filter(
    (c) => inRange(c.date) || inRange(c.originalDate),
  );
  if (found.length) {
    return [
      messages.render('bins.onDateHeader', channel, { address: property.address, when }).text,
      ...found.map(line),
      messages.render('bins.footer', channel).text,
    ].join('\n');
  }
  // Nothing on the day: the next collection of each bin after it.
  const after = await collections(addDays(to, 1), addDays(to, NEXT_REACH_DAYS));
  const next = streams
    .flatMap((s) => after.filter((c) => c.stream === s.id).slice(0, 1))
    .sort((a, b) => a.date.localeCompare(b.date));
  return [
    messages.render('bins.nothingOn', channel, { address: property.address, when }).text,
    ...(next.length ? [messages.render('bins.nextAfter', channel).text, ...next.map(line)] : []),
  ].join('\n');
}
