/**
 * The demo council's MissedCollections: reports kept in the assistant's own database. One
 * report per property, stream and collection is enforced by a unique key, so a resident who
 * reports twice (or two family members at once) gets the same reference back.
 */
import type { Db } from '../../store/database.js';
import { isUniqueViolation, newReference } from '../../store/references.js';
import type {
  MissedCollectionInput,
  MissedCollectionReceipt,
  MissedCollectionReport,
  MissedCollections,
} from './missedCollections.js';
import type { StreamId } from './types.js';
import type { IsoDate } from './dates.js';

const MAX_ATTEMPTS = 20;

export class DatabaseMissedCollections implements MissedCollections {
  constructor(private readonly db: Db) {}

  async report(input: MissedCollectionInput): Promise<MissedCollectionReceipt> {
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      const existing = await this.findForCollection(input.propertyId, input.stream, input.collectionDate);
      if (existing) return { reference: existing.reference, created: false, returnBy: existing.returnBy };
      const reference = newReference('MB');
      try {
        await this.db
          .insertInto('missed_bin_reports')
          .values({
            reference,
            property_id: input.propertyId,
            stream: input.stream,
            collection_date: input.collectionDate,
            return_by: input.returnBy,
            channel: input.channel,
            conversation_id: input.conversationId ?? null,
            contact: input.contact ?? null,
            status: 'open',
            created_at: Date.now(),
          })
          .execute();
        return { reference, created: true, returnBy: input.returnBy };
      } catch (error) {
        // Someone reported the same collection a moment ago, or (rarely) the random reference
        // was taken: look again and either return theirs or try a new number.
        if (!isUniqueViolation(error)) throw error;
      }
    }
    throw new Error('Could not record the missed collection report');
  }

  async findForCollection(
    propertyId: string,
    stream: StreamId,
    collectionDate: IsoDate,
  ): Promise<MissedCollectionReport | null> {
    const row = await this.db
      .selectFrom('missed_bin_reports')
      .selectAll()
      .where('property_id', '=', propertyId)
      .where('stream', '=', stream)
      .where('collection_date', '=', collectionDate)
      .executeTakeFirst();
    if (!row) return null;
    return {
      reference: row.reference,
      propertyId: row.property_id,
      stream: row.stream,
      collectionDate: row.collection_date,
      returnBy: row.return_by,
      channel: row.channel,
      status: row.status,
      createdAt: new Date(Number(row.created_at)),
    };
  }
}
