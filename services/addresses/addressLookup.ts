/**
 * The AddressLookup port: the council's address list (gazetteer). The demo council's is a
 * CSV file (EmbeddedAddressLookup); a council with an LLPG or address API writes another
 * implementation of this interface and the dialogs do not change.
 */
import type { Property } from './property.js';

export interface AddressLookup {
  /**
   * The properties with this postcode, in any spelling ("df11aa"), sorted for a resident to
   * choose from (see compareProperties). Empty when the postcode is unknown or invalid.
   */
  findByPostcode(postcode: string): Promise<Property[]>;
  getProperty(id: string): Promise<Property | null>;
  /**
   * Whether this postcode, or a district typed alone ("DF2"), is in the borough at all. True
   * for a postcode in a borough district that the list does not hold (a new build), so the
   * assistant can tell "not ours" from "ours but not found".
   */
  coversPostcode(postcode: string): Promise<boolean>;
}
