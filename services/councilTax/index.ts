/**
 * Builds the demo council's council tax services over its data files and the store. A council
 * with a council tax system builds its own CouncilTax and Accounts instead.
 */
import type { Gazetteer } from '../addresses/gazetteer.js';
import type { Db } from '../../store/database.js';
import type { Accounts } from './accounts.js';
import type { CouncilTax } from './councilTax.js';
import { loadCouncilTaxData, type CouncilTaxData } from './councilTaxData.js';
import { EmbeddedAccounts } from './embeddedAccounts.js';
import { EmbeddedCouncilTax } from './embeddedCouncilTax.js';
import { CouncilTaxReplies } from './replies.js';
import { VerificationAttempts } from './verificationAttempts.js';
import { VerificationGrants } from './verificationGrants.js';

export interface CouncilTaxServices {
  data: CouncilTaxData;
  councilTax: CouncilTax;
  accounts: Accounts;
  replies: CouncilTaxReplies;
  grants: VerificationGrants;
  attempts: VerificationAttempts;
}

/** Loads data/<council>/counciltax/ (throws DataFileError on a mistake) and wires the services. */
export function createCouncilTaxServices(dataDir: string, gazetteer: Gazetteer, db: Db): CouncilTaxServices {
  const data = loadCouncilTaxData(dataDir, gazetteer);
  const attempts = new VerificationAttempts(db, data.verification);
  const grants = new VerificationGrants(db);
  return {
    data,
    councilTax: new EmbeddedCouncilTax(gazetteer, data),
    accounts: new EmbeddedAccounts(data, attempts, grants),
    replies: new CouncilTaxReplies(data),
    grants,
    attempts,
  };
}
