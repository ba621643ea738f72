/** BinCollections and MissedCollections over the back-office API ("bins"). */
import { DateTime } from 'luxon';
import { UnknownPropertyError, type BinCollections } from '../../bins/binCollections.js';
import type { Instant, IsoDate } from '../../bins/dates.js';
import type {
  MissedCollectionInput,
  MissedCollectionReceipt,
  MissedCollectionReport,
  MissedCollections,
} from '../../bins/missedCollections.js';
import type { NextCollection, PropertyStream, ScheduledCollection, StreamId } from '../../bins/types.js';
import type { BackOfficeHttp } from '../httpClient.js';
import * as wire from './wire.js';

/** An instant as the API takes it: ISO 8601 with its offset. */
export function instantText(now: Instant): string {
  return (now instanceof Date ? DateTime.fromJSDate(now) : now).toUTC().toISO() ?? '';
}

export class HttpBinCollections implements BinCollections {
  constructor(private readonly http: BackOfficeHttp) {}

  private path(propertyId: string, rest: string): string {
    return `/properties/${encodeURIComponent(propertyId)}${rest}`;
  }

  /** The API answers 404 for a property it does not hold, as the embedded data throws. */
  private found<T>(propertyId: string, answer: T | null): T {
    if (answer === null) throw new UnknownPropertyError(propertyId);
    return answer;
  }

  async streamsFor(propertyId: string): Promise<PropertyStream[]> {
    return this.found(propertyId, await this.http.get(this.path(propertyId, '/bin-streams'), wire.propertyStreams))
      .streams;
  }

  async nextCollections(propertyId: string, now: Instant): Promise<NextCollection[]> {
    const answer = await this.http.get(this.path(propertyId, '/bin-collections/next'), wire.nextCollections, {
      now: instantText(now),
    });
    return this.found(propertyId, answer).collections;
  }

  async scheduledCollections(
    propertyId: string,
    stream: StreamId,
    from: IsoDate,
    to: IsoDate,
  ): Promise<ScheduledCollection[]> {
    const answer = await this.http.get(this.path(propertyId, '/bin-collections'), wire.scheduledCollections, {
      stream,
      from,
      to,
    });
    return this.found(propertyId, answer).collections;
  }

  async lastScheduledCollection(
    propertyId: string,
    stream: StreamId,
    now: Instant,
  ): Promise<ScheduledCollection | null> {
    const answer = await this.http.get(this.path(propertyId, '/bin-collections/last'), wire.lastCollection, {
      stream,
      now: instantText(now),
    });
    return this.found(propertyId, answer).collection;
  }

  async wasDue(propertyId: string, stream: StreamId, date: IsoDate): Promise<boolean> {
    const answer = await this.http.get(this.path(propertyId, '/bin-collections/due'), wire.wasDue, { stream, date });
    return this.found(propertyId, answer).due;
  }
}

export class HttpMissedCollections implements MissedCollections {
  constructor(private readonly http: BackOfficeHttp) {}

  async report(input: MissedCollectionInput): Promise<MissedCollectionReceipt> {
    const answer = await this.http.post('/missed-collections', input, wire.missedReceipt);
    if (!answer) throw new UnknownPropertyError(input.propertyId);
    return answer;
  }

  async findForCollection(
    propertyId: string,
    stream: StreamId,
    collectionDate: IsoDate,
  ): Promise<MissedCollectionReport | null> {
    const answer = await this.http.get('/missed-collections', wire.missedReport, {
      propertyId,
      stream,
      collectionDate,
    });
    return answer?.report ?? null;
  }
}
