/**
 * The MissedCollections port: where missed-collection reports are kept (the store's
 * missed_bin_reports table for the demo council; a waste system's API elsewhere).
 * Interface and types only; implementations live with the store.
 */
import type { IsoDate } from './dates.js';
import type { StreamId } from './types.js';

export interface MissedCollectionInput {
  propertyId: string;
  stream: StreamId;
  /** The collection that was missed, as decided by MissedReportPolicy. */
  collectionDate: IsoDate;
  /** From MissedReportPolicy's decision, so the rule lives in one place. */
  returnBy: IsoDate;
  channel: string;
  conversationId?: string;
  /** How to reach the resident, if they gave it (personal data). */
  contact?: string;
}

export interface MissedCollectionReceipt {
  /** "MB-" + 6 digits (the reference format residents are given, store/references.ts). */
  reference: string;
  /** False when this collection was already reported: the existing report is returned. */
  created: boolean;
  returnBy: IsoDate;
}

export interface MissedCollectionReport {
  reference: string;
  propertyId: string;
  stream: StreamId;
  collectionDate: IsoDate;
  returnBy: IsoDate;
  channel: string;
  status: string;
  createdAt: Date;
}

export interface MissedCollections {
  /** Records a report, or returns the existing one for the same property, stream and collection. */
  report(input: MissedCollectionInput): Promise<MissedCollectionReceipt>;
  findForCollection(
    propertyId: string,
    stream: StreamId,
    collectionDate: IsoDate,
  ): Promise<MissedCollectionReport | null>;
}
