/**
 * The demo council's gazetteer: data/<council>/gazetteer.csv, one row per property, with what
 * the embedded services need about it (collection round, garden waste subscription, council
 * tax band). Validated row by row at load.
 */
import { z } from 'zod';
import { DataFileError, displayPath, loadCsvFile } from '../data/loadDataFile.js';
import { optionalText, yesNo } from '../data/schemas.js';
import { normalisePostcode, postcodeDistrict } from './postcodes.js';
import { compareProperties, withLabels, type Property } from './property.js';
import { COUNCIL_TAX_BANDS, type CouncilTaxBand } from '../councilTax/councilTaxRecords.js';

const required = z.string().trim().min(1, { error: 'is required' });

export const gazetteerRowSchema = z
  .object({
    property_id: z
      .string()
      .trim()
      .regex(/^\d{6,12}$/, { error: 'is not a property id (6 to 12 digits)' }),
    house_number: optionalText.pipe(
      z
        .string()
        .regex(/^\d+[A-Z]?(-\d+[A-Z]?)?$/i, { error: 'is not a house number like 14, 14A or 14-16' })
        .optional(),
    ),
    house_name: optionalText,
    flat: optionalText,
    street: required,
    locality: optionalText,
    town: required,
    postcode: z
      .string()
      .trim()
      .refine((s) => normalisePostcode(s) !== null, { error: 'is not a valid postcode' })
      .transform((s) => normalisePostcode(s) as string),
    round_id: required,
    garden_subscription: yesNo,
    council_tax_band: z
      .string()
      .trim()
      .toUpperCase()
      .pipe(z.enum(COUNCIL_TAX_BANDS, { error: 'is not a council tax band (A to H)' })),
  })
  .refine((row) => row.house_number !== undefined || row.house_name !== undefined, {
    error: 'needs a house_number or a house_name',
  });

export interface GazetteerEntry {
  property: Property;
  roundId: string;
  gardenSubscription: boolean;
  councilTaxBand: CouncilTaxBand;
  /** The file and spreadsheet row it came from, for cross-file error messages. */
  source: { file: string; row: number };
}

export class Gazetteer {
  private readonly byId = new Map<string, GazetteerEntry>();
  private readonly byPostcodeMap = new Map<string, Property[]>();
  /** Postcode districts in the borough ("DF1"), derived from the properties. */
  readonly districts = new Set<string>();

  constructor(readonly entries: readonly GazetteerEntry[]) {
    for (const entry of entries) {
      const { property } = entry;
      this.byId.set(property.id, entry);
      const list = this.byPostcodeMap.get(property.postcode) ?? [];
      list.push(property);
      this.byPostcodeMap.set(property.postcode, list);
      const district = postcodeDistrict(property.postcode);
      if (district) this.districts.add(district);
    }
    for (const list of this.byPostcodeMap.values()) list.sort(compareProperties);
  }

  get(id: string): GazetteerEntry | undefined {
    return this.byId.get(id);
  }

  /** By normalised postcode ("DF1 1AA"); sorted. */
  inPostcode(postcode: string): readonly Property[] {
    return this.byPostcodeMap.get(postcode) ?? [];
  }

  get postcodes(): string[] {
    return [...this.byPostcodeMap.keys()];
  }
}

export function loadGazetteer(path: string): Gazetteer {
  const file = displayPath(path);
  const rows = loadCsvFile(path, gazetteerRowSchema, (r) => {
    const id = (r as { property_id?: unknown }).property_id;
    return typeof id === 'string' && id !== '' ? `property ${id}` : undefined;
  });
  const problems: string[] = [];
  const firstRow = new Map<string, number>();
  const addresses = new Map<string, number>();
  const entries: GazetteerEntry[] = [];
  for (const { row, value } of rows) {
    const seen = firstRow.get(value.property_id);
    if (seen !== undefined) {
      problems.push(`row ${row} (property ${value.property_id}): property_id is also used on row ${seen}`);
      continue;
    }
    firstRow.set(value.property_id, row);
    const property = withLabels({
      id: value.property_id,
      flat: value.flat,
      houseNumber: value.house_number,
      houseName: value.house_name,
      street: value.street,
      locality: value.locality,
      town: value.town,
      postcode: value.postcode,
    });
    // Two rows with one address would make a resident's choice ambiguous.
    const key = property.label.toLowerCase();
    const same = addresses.get(key);
    if (same !== undefined)
      problems.push(
        `row ${row} (property ${value.property_id}): the address "${property.label}" is also on row ${same}`,
      );
    addresses.set(key, row);
    entries.push({
      property,
      roundId: value.round_id,
      gardenSubscription: value.garden_subscription,
      councilTaxBand: value.council_tax_band,
      source: { file, row },
    });
  }
  if (problems.length > 0) throw new DataFileError(file, problems);
  return new Gazetteer(entries);
}
