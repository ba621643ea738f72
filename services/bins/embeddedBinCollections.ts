/** BinCollections over the demo council's data files and gazetteer, in memory. */
import type { Gazetteer, GazetteerEntry } from '../addresses/gazetteer.js';
import type { BinData } from './binData.js';
import { UnknownPropertyError, type BinCollections } from './binCollections.js';
import { CollectionCalendar } from './collectionCalendar.js';
import { addDays, localNow, type Instant, type IsoDate } from './dates.js';
import type { NextCollection, PropertyStream, ScheduledCollection, StreamId } from './types.js';

/** Far enough to find the next and the last collection of a fortnightly stream across Christmas. */
const SEARCH_DAYS = 42;

export class EmbeddedBinCollections implements BinCollections {
  private readonly calendar: CollectionCalendar;

  constructor(
    private readonly gazetteer: Gazetteer,
    private readonly data: BinData,
  ) {
    this.calendar = new CollectionCalendar(data);
  }

  async streamsFor(propertyId: string): Promise<PropertyStream[]> {
    const entry = this.entry(propertyId);
    return this.data.streams.map((stream) => ({ ...stream, collected: this.collects(entry, stream.id) }));
  }

  async nextCollections(propertyId: string, now: Instant): Promise<NextCollection[]> {
    const entry = this.entry(propertyId);
    const { date: today, time } = localNow(now, this.data.rules.timeZone);
    // Today's collection still counts until the crews have finished; from then on it is
    // reportable as missed, so the two answers never overlap.
    const stillToCome = (c: ScheduledCollection) =>
      c.date > today || (c.date === today && time < this.data.rules.collectionDay.crewsFinishBy);
    const next: NextCollection[] = [];
    for (const stream of this.data.streams) {
      if (!this.collects(entry, stream.id)) continue;
      const found = this.calendar
        .collections(entry.roundId, stream.id, today, addDays(today, SEARCH_DAYS))
        .find(stillToCome);
      if (found) {
        const { id: _id, ...info } = stream;
        next.push({ ...info, ...found, isToday: found.date === today });
      }
    }
    const order = this.data.streams.map((s) => s.id);
    return next.sort((a, b) => a.date.localeCompare(b.date) || order.indexOf(a.stream) - order.indexOf(b.stream));
  }

  async scheduledCollections(
    propertyId: string,
    stream: StreamId,
    from: IsoDate,
    to: IsoDate,
  ): Promise<ScheduledCollection[]> {
    const entry = this.entry(propertyId);
    return this.collects(entry, stream) ? this.calendar.collections(entry.roundId, stream, from, to) : [];
  }

  async lastScheduledCollection(
    propertyId: string,
    stream: StreamId,
    now: Instant,
  ): Promise<ScheduledCollection | null> {
    const { date: today } = localNow(now, this.data.rules.timeZone);
    const found = await this.scheduledCollections(propertyId, stream, addDays(today, -SEARCH_DAYS), today);
    return found.at(-1) ?? null;
  }

  async wasDue(propertyId: string, stream: StreamId, date: IsoDate): Promise<boolean> {
    return (await this.scheduledCollections(propertyId, stream, date, date)).length > 0;
  }

  private entry(propertyId: string): GazetteerEntry {
    const entry = this.gazetteer.get(propertyId);
    if (!entry) throw new UnknownPropertyError(propertyId);
    return entry;
  }

  /** The gazetteer holds one subscription column (garden waste), used for every subscription stream. */
  private collects(entry: GazetteerEntry, stream: StreamId): boolean {
    const info = this.data.streams.find((s) => s.id === stream);
    const round = this.calendar.round(entry.roundId);
    return Boolean(info && round?.streams[stream] && (!info.requiresSubscription || entry.gardenSubscription));
  }
}
