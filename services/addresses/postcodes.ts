/** UK postcodes as residents type them ("df11aa", "Df1 1aa ") made comparable. */
import { isValid, toNormalised, toOutcode, validOutcode } from 'postcode';

/** "DF1 1AA" for any valid spelling of a full postcode; null when it is not one. */
export function normalisePostcode(text: string): string | null {
  const trimmed = text.trim();
  return isValid(trimmed) ? toNormalised(trimmed) : null;
}

/**
 * The postcode district ("DF1") of a full postcode or of a district typed on its own;
 * null when the text is neither.
 */
export function postcodeDistrict(text: string): string | null {
  const trimmed = text.trim().toUpperCase();
  if (isValid(trimmed)) return toOutcode(trimmed);
  return validOutcode(trimmed) ? trimmed : null;
}
