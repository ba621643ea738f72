/**
 * The BinCollections port: when a property's bins are collected. The demo council's answer
 * comes from data files (EmbeddedBinCollections); a council with a waste system (Whitespace,
 * Bartec, Echo...) writes another implementation and the dialogs do not change.
 * Every method takes `now` or explicit dates, never the clock, so answers are testable.
 */
import type { Instant, IsoDate } from './dates.js';
import type { NextCollection, PropertyStream, ScheduledCollection, StreamId } from './types.js';

export class UnknownPropertyError extends Error {
  override readonly name = 'UnknownPropertyError';
  constructor(readonly propertyId: string) {
    super(`No property with id ${propertyId}`);
  }
}

export interface BinCollections {
  /** Every stream with whether this property gets it (garden waste only with a subscription). */
  streamsFor(propertyId: string): Promise<PropertyStream[]>;

  /**
   * The next collection of each stream the property gets, soonest first. A collection today
   * counts (isToday) until the crews' finishing time; after that the next one is given and a
   * missed bin can be reported.
   */
  nextCollections(propertyId: string, now: Instant): Promise<NextCollection[]>;

  /** Collections of one stream whose (moved) date is between `from` and `to` inclusive. */
  scheduledCollections(
    propertyId: string,
    stream: StreamId,
    from: IsoDate,
    to: IsoDate,
  ): Promise<ScheduledCollection[]>;

  /** The latest collection of the stream on or before today (today's counts, finished or not). */
  lastScheduledCollection(propertyId: string, stream: StreamId, now: Instant): Promise<ScheduledCollection | null>;

  /** Whether the stream was (or will be) collected from the property on that date. */
  wasDue(propertyId: string, stream: StreamId, date: IsoDate): Promise<boolean>;
}
