/** The demo council's council tax data, loaded once per test file, and the fixtures. */
import { loadCouncilTaxData } from '../../services/councilTax/councilTaxData.js';
import { CouncilTaxAnswers } from '../../services/councilTax/councilTaxAnswers.js';
import { EmbeddedCouncilTaxRecords } from '../../services/councilTax/embeddedCouncilTaxRecords.js';
import { CouncilTaxReplies } from '../../services/councilTax/replies.js';
import { DEMO_DIR, FIXTURES, demo } from '../services/demoData.js';

export { DEMO_DIR, FIXTURES, demo };

export const data = loadCouncilTaxData(DEMO_DIR, demo.gazetteer);
export const records = new EmbeddedCouncilTaxRecords(demo.gazetteer, data);
export const answers = new CouncilTaxAnswers(data);
/** Records and answers together, as the tests of both read them. */
export const councilTax = {
  bandFor: (propertyId: string) => records.bandFor(propertyId),
  charges: () => records.charges(),
  answer: answers.answer.bind(answers),
  topics: answers.topics.bind(answers),
  findTopic: answers.findTopic.bind(answers),
  /** The band answer for a property, as the dialog builds it; null for an unknown property. */
  bandAnswer: async (propertyId: string) => {
    const band = await records.bandFor(propertyId);
    return band ? answers.bandAnswer(band) : null;
  },
};
export const replies = new CouncilTaxReplies(data);

/** The documented council tax fixture (README): account 50001234 at 1 High Street, DF1 1AA. */
export const HIGH_STREET_ACCOUNT = { accountNumber: '50001234', postcode: 'DF1 1AA' } as const;
