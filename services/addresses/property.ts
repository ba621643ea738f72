/**
 * A property as residents and the contact centre name it. Addresses only: what a council's
 * waste or council tax system knows about the property lives behind those services' ports.
 */
export interface Property {
  /** Stable id, like a UPRN. A string so any back-office's ids fit. */
  id: string;
  flat?: string;
  houseNumber?: string;
  houseName?: string;
  street: string;
  locality?: string;
  town: string;
  /** Normalised, e.g. "DF1 1AA". */
  postcode: string;
  /** The full address on one line: "1 High Street, Demoford, DF1 1AA". */
  label: string;
  /** Enough to tell it apart within its postcode, for numbered SMS lists: "1 High Street". */
  shortLabel: string;
}

export type AddressParts = Omit<Property, 'label' | 'shortLabel'>;

/** "Flat 2" for a numbered flat, but "Flat A" too: councils letter flats above shops. */
function flatPart(flat: string | undefined): string | undefined {
  return flat === undefined ? undefined : /^flat\b/i.test(flat) ? flat : `Flat ${flat}`;
}

export function withLabels(parts: AddressParts): Property {
  const road = parts.houseNumber ? `${parts.houseNumber} ${parts.street}` : parts.street;
  const building = [flatPart(parts.flat), parts.houseName, road].filter((p): p is string => Boolean(p));
  const label = [...building, parts.locality, parts.town, parts.postcode].filter(Boolean).join(', ');
  // A short label keeps a house name only when there is no number to identify the house.
  const short = [flatPart(parts.flat), parts.houseNumber ? undefined : parts.houseName, road]
    .filter(Boolean)
    .join(', ');
  return { ...parts, label, shortLabel: short };
}

const collator = new Intl.Collator('en-GB', { numeric: true, sensitivity: 'base' });

/**
 * Natural order for a list residents choose from: by street, then house number (2 before 10,
 * 14 before 14A), flats grouped under their building in flat order, named houses after
 * numbered ones.
 */
export function compareProperties(a: Property, b: Property): number {
  return (
    collator.compare(a.street, b.street) ||
    Number(!a.houseNumber) - Number(!b.houseNumber) ||
    collator.compare(a.houseNumber ?? '', b.houseNumber ?? '') ||
    collator.compare(a.houseName ?? '', b.houseName ?? '') ||
    Number(a.flat !== undefined) - Number(b.flat !== undefined) ||
    collator.compare(a.flat ?? '', b.flat ?? '') ||
    collator.compare(a.id, b.id)
  );
}
