/** CouncilTaxRecords over the demo council's data files and gazetteer (the band is a gazetteer column). */
import type { Gazetteer } from '../addresses/gazetteer.js';
import type { ChargeTable, CouncilTaxRecords, PropertyBand } from './councilTaxRecords.js';
import type { CouncilTaxData } from './councilTaxData.js';

export class EmbeddedCouncilTaxRecords implements CouncilTaxRecords {
  constructor(
    private readonly gazetteer: Gazetteer,
    private readonly data: CouncilTaxData,
  ) {}

  async bandFor(propertyId: string): Promise<PropertyBand | null> {
    const entry = this.gazetteer.get(propertyId);
    if (!entry) return null;
    const charge = this.data.charges.get(entry.councilTaxBand);
    // Every band has a charge (checked at load), so this is only reached with hand-built data.
    if (!charge) throw new Error(`No charge for band ${entry.councilTaxBand}`);
    return {
      propertyId,
      address: entry.property.label,
      band: entry.councilTaxBand,
      annualCharge: charge.annualCharge,
      year: this.data.year,
    };
  }

  async charges(): Promise<ChargeTable> {
    return {
      year: this.data.year,
      bands: [...this.data.charges].map(([band, c]) => ({
        band,
        annualCharge: c.annualCharge,
        valuedAt1991: c.valuedAt1991,
        year: this.data.year,
      })),
    };
  }
}
