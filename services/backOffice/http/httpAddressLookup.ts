/** AddressLookup over the back-office API (docs/back-office-api.yaml, "addresses"). */
import type { AddressLookup } from '../../addresses/addressLookup.js';
import { normalisePostcode } from '../../addresses/postcodes.js';
import type { Property } from '../../addresses/property.js';
import type { BackOfficeHttp } from '../httpClient.js';
import * as wire from './wire.js';

export class HttpAddressLookup implements AddressLookup {
  constructor(private readonly http: BackOfficeHttp) {}

  async findByPostcode(postcode: string): Promise<Property[]> {
    // An invalid postcode is not worth asking about: it can hold no address.
    const normalised = normalisePostcode(postcode);
    if (!normalised) return [];
    return (await this.http.get('/addresses', wire.propertyList, { postcode: normalised }))?.properties ?? [];
  }

  async getProperty(id: string): Promise<Property | null> {
    return this.http.get(`/addresses/${encodeURIComponent(id)}`, wire.property);
  }

  async coversPostcode(postcode: string): Promise<boolean> {
    const answer = await this.http.get('/coverage', wire.coverage, { postcode: postcode.trim().toUpperCase() });
    return answer?.covered ?? false;
  }
}
