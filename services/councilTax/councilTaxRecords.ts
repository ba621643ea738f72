/**
 * The CouncilTaxRecords port: what a council's council tax system (Capita, NEC, Civica...)
 * holds that is not about one person: each property's band and this year's charges. Records
 * only, all asynchronous, so a remote system can answer (HttpCouncilTaxRecords); the demo
 * council's come from its data files (EmbeddedCouncilTaxRecords). The council's answers to
 * general questions are content, in CouncilTaxAnswers; personal accounts are behind the
 * AccountLookup port, wrapped by VerifiedAccounts, which checks who is asking.
 */
import type { Pence } from './money.js';

/** The eight bands of the Local Government Finance Act 1992. */
export const COUNCIL_TAX_BANDS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'] as const;
export type CouncilTaxBand = (typeof COUNCIL_TAX_BANDS)[number];

export interface BandCharge {
  band: CouncilTaxBand;
  /** The full charge for the year before any discount, in pence. */
  annualCharge: Pence;
  /** "2026/27". */
  year: string;
}

export interface ChargeTable {
  year: string;
  bands: (BandCharge & { valuedAt1991: string })[];
}

export interface PropertyBand extends BandCharge {
  propertyId: string;
  /** "1 High Street, Demoford, DF1 1AA", for the answer. */
  address: string;
}

export interface CouncilTaxRecords {
  /** The property's band and its full annual charge; null for a property the council does not hold. */
  bandFor(propertyId: string): Promise<PropertyBand | null>;
  charges(): Promise<ChargeTable>;
}
