/** The vocabulary of bin collections shared by the ports, the policy and the dialogs. */
import type { IsoDate } from './dates.js';

/** A waste stream id from streams.json: "refuse", "recycling", "food", "garden" for the demo council. */
export type StreamId = string;

export interface StreamInfo {
  id: StreamId;
  /** Plain English, for sentences: "rubbish", "garden waste". */
  name: string;
  /** What the resident puts out: "black bin". */
  container: string;
  /** Collected only for households that pay for it (garden waste). */
  requiresSubscription: boolean;
}

/** A stream as it applies to one property. */
export interface PropertyStream extends StreamInfo {
  /** False for a subscription stream the household has not subscribed to. */
  collected: boolean;
}

export type MoveReason =
  { kind: 'bank_holiday'; holiday: string; holidayDate: IsoDate } | { kind: 'one_off'; reason: string };

export interface ScheduledCollection {
  stream: StreamId;
  /** The day the bin is collected, after any move. */
  date: IsoDate;
  /** The usual day, present only when the collection moved. */
  originalDate?: IsoDate;
  /** Why it moved, present only when it moved. */
  reason?: MoveReason;
}

export interface NextCollection extends ScheduledCollection, Omit<StreamInfo, 'id'> {
  /** The collection is today and the crews may still come. */
  isToday: boolean;
}
