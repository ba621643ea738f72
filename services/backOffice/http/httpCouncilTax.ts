/** CouncilTaxRecords and AccountLookup over the back-office API ("council tax"). */
import type { AccountDetails, AccountLookup } from '../../councilTax/accountLookup.js';
import type { ChargeTable, CouncilTaxRecords, PropertyBand } from '../../councilTax/councilTaxRecords.js';
import { BackOfficeUnavailableError } from '../unavailable.js';
import type { BackOfficeHttp } from '../httpClient.js';
import * as wire from './wire.js';

export class HttpCouncilTaxRecords implements CouncilTaxRecords {
  constructor(private readonly http: BackOfficeHttp) {}

  async bandFor(propertyId: string): Promise<PropertyBand | null> {
    return this.http.get(`/council-tax/properties/${encodeURIComponent(propertyId)}/band`, wire.propertyBand);
  }

  async charges(): Promise<ChargeTable> {
    const table = await this.http.get('/council-tax/charges', wire.chargeTable);
    // The charges always exist: a 404 means the API is not the one we were told of.
    if (!table)
      throw new BackOfficeUnavailableError('councilTax', 'bad_response', 'GET /council-tax/charges: not found');
    return table;
  }
}

/**
 * Account numbers and postcodes go in request bodies, never in URLs, which proxies and servers
 * log. Both lookups change nothing, so they are retried like reads.
 */
export class HttpAccountLookup implements AccountLookup {
  constructor(private readonly http: BackOfficeHttp) {}

  async match(accountNumber: string, postcode: string): Promise<AccountDetails | null> {
    return (
      (await this.http.query('/council-tax/accounts/match', { accountNumber, postcode }, wire.accountAnswer))
        ?.account ?? null
    );
  }

  async get(accountNumber: string): Promise<AccountDetails | null> {
    return (
      (await this.http.query('/council-tax/accounts/lookup', { accountNumber }, wire.accountAnswer))?.account ?? null
    );
  }
}
