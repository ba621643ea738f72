/**
 * What a resident asking about their account wants (data/<council>/counciltax/account-requests.json):
 * the balance, which the assistant answers once the check passes, or something only a person
 * can do (a copy of a bill, a refund, a payment taken twice), passed on with the checked account.
 */
import { join } from 'node:path';
import { z } from 'zod';
import { loadJsonFile } from '../../services/data/loadDataFile.js';
import { documentedObject } from '../../services/data/schemas.js';

const fileSchema = documentedObject({
  requests: z
    .array(
      documentedObject({
        id: z.string().regex(/^[a-z][a-z0-9_]*$/, { error: 'is not an id (small letters, digits and _)' }),
        /** Shown to the person who takes it; absent for the balance, which the assistant answers. */
        reason: z.string().trim().min(1).optional(),
        keywords: z.array(z.string().trim().min(1)).min(1),
      }),
    )
    .min(1),
});

export type AccountRequest = { id: string; reason?: string };

export class AccountRequests {
  private constructor(private readonly requests: z.infer<typeof fileSchema>['requests']) {}

  static load(dataDir: string): AccountRequests {
    return new AccountRequests(loadJsonFile(join(dataDir, 'counciltax', 'account-requests.json'), fileSchema).requests);
  }

  /** The request the words name; the balance when they name none. */
  find(text: string): AccountRequest {
    const found = this.named(text);
    return found?.reason ? { id: found.id, reason: found.reason } : { id: found?.id ?? 'balance' };
  }

  /**
   * Whether the words are plainly about the resident's own account ("when is MY next payment
   * due", "a copy of my bill"): any request but the balance, whose words ("how much") are
   * shared with general questions.
   */
  aboutOwnAccount(text: string): boolean {
    const found = this.named(text);
    return found !== undefined && found.id !== 'balance';
  }

  private named(text: string) {
    const typed = ` ${text
      .toLowerCase()
      .replace(/[^a-z0-9 ]+/g, ' ')
      .replace(/\s+/g, ' ')
      .trim()} `;
    return this.requests.find((r) => r.keywords.some((k) => typed.includes(` ${k.toLowerCase()}`)));
  }
}
