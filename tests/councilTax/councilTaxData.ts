/** The demo council's council tax data, loaded once per test file, and the fixtures. */
import { loadCouncilTaxData } from '../../services/councilTax/councilTaxData.js';
import { EmbeddedCouncilTax } from '../../services/councilTax/embeddedCouncilTax.js';
import { CouncilTaxReplies } from '../../services/councilTax/replies.js';
import { DEMO_DIR, FIXTURES, demo } from '../services/demoData.js';

export { DEMO_DIR, FIXTURES, demo };

export const data = loadCouncilTaxData(DEMO_DIR, demo.gazetteer);
export const councilTax = new EmbeddedCouncilTax(demo.gazetteer, data);
export const replies = new CouncilTaxReplies(data);

/** The documented council tax fixture (README): account 50001234 at 1 High Street, DF1 1AA. */
export const HIGH_STREET_ACCOUNT = { accountNumber: '50001234', postcode: 'DF1 1AA' } as const;
