/**
 * Builds the council tax services: the council's answers and replies from its data folder
 * (content, always), the records and accounts from whichever back office the composition root
 * chose, and the account check (VerifiedAccounts) around the accounts, always ours.
 */
import type { Gazetteer } from '../addresses/gazetteer.js';
import type { Db } from '../../store/database.js';
import type { AccountLookup } from './accountLookup.js';
import type { Accounts } from './accounts.js';
import { CouncilTaxAnswers } from './councilTaxAnswers.js';
import { loadCouncilTaxData, type CouncilTaxData } from './councilTaxData.js';
import type { CouncilTaxRecords } from './councilTaxRecords.js';
import { EmbeddedAccountLookup } from './embeddedAccountLookup.js';
import { EmbeddedCouncilTaxRecords } from './embeddedCouncilTaxRecords.js';
import { CouncilTaxReplies } from './replies.js';
import { VerificationAttempts } from './verificationAttempts.js';
import { VerificationGrants } from './verificationGrants.js';
import { VerifiedAccounts } from './verifiedAccounts.js';

export interface CouncilTaxServices {
  data: CouncilTaxData;
  answers: CouncilTaxAnswers;
  records: CouncilTaxRecords;
  /** The account check around the back office's AccountLookup. */
  accounts: Accounts;
  replies: CouncilTaxReplies;
  grants: VerificationGrants;
  attempts: VerificationAttempts;
}

/** The back office's side of council tax: the demo data's, or a council system's. */
export interface CouncilTaxBackOffice {
  records: CouncilTaxRecords;
  accounts: AccountLookup;
}

/** The demo council's data as the back office. */
export function embeddedCouncilTaxBackOffice(data: CouncilTaxData, gazetteer: Gazetteer): CouncilTaxBackOffice {
  return { records: new EmbeddedCouncilTaxRecords(gazetteer, data), accounts: new EmbeddedAccountLookup(data) };
}

/**
 * Loads data/<council>/counciltax/ (throws DataFileError on a mistake) and wires the services;
 * `backOffice` picks where records and accounts come from (the data files by default).
 */
export function createCouncilTaxServices(
  dataDir: string,
  gazetteer: Gazetteer,
  db: Db,
  backOffice?: (data: CouncilTaxData) => CouncilTaxBackOffice,
): CouncilTaxServices {
  const data = loadCouncilTaxData(dataDir, gazetteer);
  const attempts = new VerificationAttempts(db, data.verification);
  const grants = new VerificationGrants(db);
  const chosen = backOffice?.(data) ?? embeddedCouncilTaxBackOffice(data, gazetteer);
  return {
    data,
    answers: new CouncilTaxAnswers(data),
    records: chosen.records,
    accounts: new VerifiedAccounts(chosen.accounts, attempts, grants, data.verification),
    replies: new CouncilTaxReplies(data),
    grants,
    attempts,
  };
}
