/**
 * Money as whole pence: a bill split into instalments must add up to the penny, which
 * floating-point pounds do not promise.
 */
import { z } from 'zod';

export type Pence = number;

/** A data-file amount in pounds, "1773.33" or "-45.20", as pence. */
export const poundsText = z
  .string()
  .trim()
  .regex(/^-?\d{1,7}(\.\d{2})?$/, { error: 'is not an amount in pounds like 1773.33' })
  .transform((s): Pence => {
    const negative = s.startsWith('-');
    const [whole = '0', fraction = '00'] = s.replace('-', '').split('.');
    const pence = Number(whole) * 100 + Number(fraction);
    return negative ? -pence : pence;
  });

const pounds = new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP', minimumFractionDigits: 2 });

/** "£1,773.33". A negative amount is shown as its size: the words around it say "in credit". */
export function formatPounds(amount: Pence): string {
  return pounds.format(Math.abs(amount) / 100);
}
