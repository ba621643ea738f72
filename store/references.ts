/**
 * References given to residents: permits TP-, missed-bin reports MB-, handoff and
 * callback cases HC-, each followed by 6 digits. They are random rather than sequential so a
 * reference does not reveal how many others exist or let anyone guess a neighbour's; the
 * table's unique key catches the rare collision and the insert is retried with a new number.
 */
import { randomInt } from 'node:crypto';

export type ReferencePrefix = 'TP' | 'MB' | 'HC';

export function newReference(prefix: ReferencePrefix): string {
  return `${prefix}-${String(randomInt(0, 1_000_000)).padStart(6, '0')}`;
}

/** True for a unique/primary-key violation on SQLite or PostgreSQL. */
export function isUniqueViolation(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '23505' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === 'SQLITE_CONSTRAINT_UNIQUE';
}

/**
 * Runs `insert` with fresh references until one is not taken. `insert` must fail with a unique
 * violation when the reference exists (and may fail with one for another unique key, which the
 * caller tells apart with `isReferenceTaken`).
 */
export async function withNewReference<T>(
  prefix: ReferencePrefix,
  insert: (reference: string) => Promise<T>,
  isReferenceTaken: (reference: string) => Promise<boolean>,
): Promise<T> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const reference = newReference(prefix);
    try {
      return await insert(reference);
    } catch (error) {
      if (!isUniqueViolation(error) || !(await isReferenceTaken(reference))) throw error;
    }
  }
  throw new Error(`Could not find a free ${prefix} reference after 20 attempts`);
}
