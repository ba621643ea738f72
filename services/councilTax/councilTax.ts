/**
 * The CouncilTax port: what a council's council tax system (Capita, NEC, Civica...) knows
 * that is not about one person: each property's band, this year's charges, and the council's
 * answers to general questions. The demo council's comes from data files
 * (EmbeddedCouncilTax); a council with a back-office writes another implementation.
 * Personal accounts are behind the separate Accounts port, which checks who is asking.
 */
import type { CouncilTaxBand } from '../addresses/gazetteer.js';
import type { IntentName } from '../../intents/types.js';
import type { Pence } from './money.js';
import type { TemplateValues } from './templates.js';

export type { CouncilTaxBand };

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

/** A topic's answer with every placeholder the service knows filled in. */
export interface Answer {
  topic: string;
  intent: IntentName;
  /** Short, for a quick-reply button. */
  label: string;
  /** Markdown allowed. */
  web: string;
  /** Plain GSM-7 text, at most two segments, with the moreUrl link in it. */
  sms: string;
  moreUrl: string;
  /** The action (CouncilTaxActions) to offer after the answer, if any. */
  offers?: string;
}

export interface CouncilTax {
  /** The property's band and its full annual charge; null for a property the council does not hold. */
  bandFor(propertyId: string): Promise<PropertyBand | null>;
  charges(): Promise<ChargeTable>;
  /**
   * The council's answer on a topic (see topics()), with the year, charges, payment days and
   * council phone filled in. `values` supplies the rest (the band answer takes bandFor's
   * `address`, `band` and `charge` via bandAnswer). Throws for an unknown topic: topics are data,
   * so a dialog asking for one that is not there is a programming error.
   */
  answer(topic: string, values?: TemplateValues): Answer;
  /** The band topic filled in for one property; null for an unknown property. */
  bandAnswer(propertyId: string): Promise<Answer | null>;
  /** The topics for an intent, in the file's order (the first is the intent's main answer). */
  topics(intent?: IntentName): Answer[];
  /** The topic whose keywords best match what the resident typed, within an intent if given. */
  findTopic(text: string, intent?: IntentName): Answer | undefined;
}
