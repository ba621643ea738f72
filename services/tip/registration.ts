/**
 * UK registrations as residents type them ("ab12cde", "AB12 CDE", "a123 bcd"), checked against
 * the formats a plate can have, so a typo is caught while the resident is still here rather
 * than at the barrier. Current (2001-), prefix (1983-2001), suffix (1963-1983), dateless and
 * Northern Ireland (letters then digits) formats.
 */
const FORMATS: { pattern: RegExp; split: (compact: string) => number }[] = [
  { pattern: /^[A-Z]{2}[0-9]{2}[A-Z]{3}$/, split: () => 4 },
  { pattern: /^[A-Z][0-9]{1,3}[A-Z]{3}$/, split: (c) => c.length - 3 },
  { pattern: /^[A-Z]{3}[0-9]{1,3}[A-Z]$/, split: () => 3 },
  { pattern: /^[A-Z]{1,3}[0-9]{1,4}$/, split: (c) => c.search(/[0-9]/) },
  { pattern: /^[0-9]{1,4}[A-Z]{1,3}$/, split: (c) => c.search(/[A-Z]/) },
];

export interface Registration {
  /** "AB12CDE": how permits store and compare it. */
  value: string;
  /** "AB12 CDE": how a plate shows it. */
  display: string;
}

export function normaliseRegistration(text: string): Registration | null {
  const compact = text.replace(/[\s-]+/g, '').toUpperCase();
  const format = FORMATS.find((f) => f.pattern.test(compact));
  if (!format) return null;
  const at = format.split(compact);
  return { value: compact, display: `${compact.slice(0, at)} ${compact.slice(at)}` };
}

/** The display form of a stored (already valid) registration. */
export function displayRegistration(value: string): string {
  return normaliseRegistration(value)?.display ?? value;
}
