/** What the tip dialogs need, built once in the composition root (bot/assistant.ts). */
import type { BankHoliday } from '../../services/bins/binData.js';
import type { PermitPolicy } from '../../services/tip/permitPolicy.js';
import type { Permits } from '../../services/tip/permits.js';
import type { TipSites } from '../../services/tip/sites.js';
import type { PermitTexts } from '../../services/tip/permitTexts.js';

export interface TipServices {
  sites: TipSites;
  permits: Permits;
  /** The council's rules, to explain a closed day or a passed window before the resident confirms. */
  policy: PermitPolicy;
  bankHolidays: BankHoliday[];
  /** Absent when the council has no SMS number: the permit is then shown on screen only. */
  texts?: PermitTexts;
  clock: () => Date;
}
