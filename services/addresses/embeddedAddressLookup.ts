/** AddressLookup over the gazetteer file held in memory (2,000 rows load in milliseconds). */
import type { AddressLookup } from './addressLookup.js';
import type { Gazetteer } from './gazetteer.js';
import { normalisePostcode, postcodeDistrict } from './postcodes.js';
import type { Property } from './property.js';

export class EmbeddedAddressLookup implements AddressLookup {
  constructor(private readonly gazetteer: Gazetteer) {}

  async findByPostcode(postcode: string): Promise<Property[]> {
    const normalised = normalisePostcode(postcode);
    return normalised ? [...this.gazetteer.inPostcode(normalised)] : [];
  }

  async getProperty(id: string): Promise<Property | null> {
    return this.gazetteer.get(id)?.property ?? null;
  }

  async coversPostcode(postcode: string): Promise<boolean> {
    const district = postcodeDistrict(postcode);
    return district !== null && this.gazetteer.districts.has(district);
  }
}
