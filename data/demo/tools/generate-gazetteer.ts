/**
 * Generates data/demo/gazetteer.csv, the fictional Demoford Borough Council's address list.
 * Deterministic (seeded), so running it again gives the same file and the same property ids;
 * the output is committed and this script only runs when the demo borough is redesigned.
 *
 *   npx tsx data/demo/tools/generate-gazetteer.ts
 *
 * Property ids are stable per street: 10 000 000 + street number x 1000 + position on the
 * street. Add new streets at the END of STREETS so existing ids never change.
 * The fixtures used by docs and tests are pinned below.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { mulberry32 } from '../../../intents/model/seededRandom.js';

type Band = 'A' | 'B' | 'C' | 'D' | 'E' | 'F' | 'G' | 'H';
/** The kind of street decides house names, flats and the usual council tax bands. */
type Kind = 'centre' | 'terrace' | 'suburb' | 'village';

interface Street {
  name: string;
  district: 'DF1' | 'DF2' | 'DF3' | 'DF4';
  sector: number;
  locality?: string;
  kind: Kind;
  houses: number;
  round: string;
  /** Named houses with no number (a lane of cottages). */
  namedOnly?: number;
  /** Blocks of flats: the building's number and name, and how many flats. */
  blocks?: { number: number; name: string; flats: number }[];
}

const ROUNDS = ['MON-A', 'MON-B', 'TUE-A', 'TUE-B', 'WED-A', 'WED-B', 'THU-A', 'THU-B', 'FRI-A', 'FRI-B'];

// [name, district, sector, kind, houses, round?, locality?]; round assigned by the seed when absent.
const STREETS: Street[] = [
  { name: 'High Street', district: 'DF1', sector: 1, kind: 'centre', houses: 48, round: 'FRI-A' },
  { name: 'Church Street', district: 'DF1', sector: 1, kind: 'terrace', houses: 40, round: '' },
  { name: 'Market Place', district: 'DF1', sector: 1, kind: 'centre', houses: 24, round: '' },
  {
    name: 'Station Road',
    district: 'DF1',
    sector: 2,
    kind: 'terrace',
    houses: 60,
    round: '',
    blocks: [{ number: 45, name: 'Station House', flats: 12 }],
  },
  { name: 'Queen Street', district: 'DF1', sector: 2, kind: 'terrace', houses: 44, round: '' },
  { name: 'King Street', district: 'DF1', sector: 2, kind: 'terrace', houses: 38, round: '' },
  { name: 'Castle Street', district: 'DF1', sector: 3, kind: 'centre', houses: 30, round: '' },
  { name: 'Bridge Street', district: 'DF1', sector: 3, kind: 'terrace', houses: 36, round: '' },
  { name: 'Sheep Street', district: 'DF1', sector: 3, kind: 'centre', houses: 26, round: '' },
  { name: 'Chapel Lane', district: 'DF1', sector: 4, kind: 'terrace', houses: 22, round: '' },
  { name: 'Victoria Road', district: 'DF1', sector: 4, kind: 'suburb', houses: 56, round: '' },
  { name: 'Albert Road', district: 'DF1', sector: 4, kind: 'suburb', houses: 50, round: '' },
  { name: 'Mill Lane', district: 'DF2', sector: 4, kind: 'terrace', houses: 40, round: 'MON-A' },
  { name: 'Brook Street', district: 'DF2', sector: 4, kind: 'terrace', houses: 34, round: '' },
  {
    name: 'Riverside Walk',
    district: 'DF2',
    sector: 5,
    kind: 'suburb',
    houses: 20,
    round: '',
    blocks: [{ number: 2, name: 'Riverside Court', flats: 24 }],
  },
  { name: "Weavers' Close", district: 'DF2', sector: 5, kind: 'suburb', houses: 18, round: '' },
  { name: 'Tannery Lane', district: 'DF2', sector: 5, kind: 'terrace', houses: 28, round: '' },
  { name: 'Canal Street', district: 'DF2', sector: 6, kind: 'terrace', houses: 46, round: '' },
  {
    name: 'Wharf Road',
    district: 'DF2',
    sector: 6,
    kind: 'suburb',
    houses: 30,
    round: '',
    blocks: [{ number: 1, name: 'Wharf House', flats: 16 }],
  },
  { name: 'Orchard Way', district: 'DF2', sector: 6, kind: 'suburb', houses: 52, round: '' },
  { name: 'Willow Crescent', district: 'DF2', sector: 7, kind: 'suburb', houses: 44, round: '' },
  { name: 'Meadow Road', district: 'DF2', sector: 7, kind: 'suburb', houses: 58, round: '' },
  { name: 'Ash Grove', district: 'DF2', sector: 7, kind: 'suburb', houses: 26, round: '' },
  { name: 'Beech Avenue', district: 'DF2', sector: 8, kind: 'suburb', houses: 64, round: '' },
  {
    name: 'Northbrook Road',
    district: 'DF3',
    sector: 1,
    locality: 'Northbrook',
    kind: 'suburb',
    houses: 70,
    round: '',
  },
  { name: 'Elm Drive', district: 'DF3', sector: 1, locality: 'Northbrook', kind: 'suburb', houses: 48, round: '' },
  { name: 'Oak Tree Close', district: 'DF3', sector: 1, locality: 'Northbrook', kind: 'suburb', houses: 20, round: '' },
  { name: 'Hawthorn Way', district: 'DF3', sector: 2, locality: 'Northbrook', kind: 'suburb', houses: 42, round: '' },
  { name: 'Rowan Close', district: 'DF3', sector: 2, locality: 'Northbrook', kind: 'suburb', houses: 18, round: '' },
  {
    name: 'Sycamore Avenue',
    district: 'DF3',
    sector: 2,
    locality: 'Northbrook',
    kind: 'suburb',
    houses: 54,
    round: '',
  },
  { name: 'Chestnut Grove', district: 'DF3', sector: 3, locality: 'Northbrook', kind: 'suburb', houses: 36, round: '' },
  {
    name: 'Kingfisher Drive',
    district: 'DF3',
    sector: 3,
    locality: 'Northbrook',
    kind: 'suburb',
    houses: 60,
    round: '',
  },
  { name: 'Heron Close', district: 'DF3', sector: 3, locality: 'Northbrook', kind: 'suburb', houses: 16, round: '' },
  { name: 'Mallard Way', district: 'DF3', sector: 4, locality: 'Northbrook', kind: 'suburb', houses: 40, round: '' },
  { name: 'The Paddocks', district: 'DF3', sector: 4, locality: 'Northbrook', kind: 'suburb', houses: 22, round: '' },
  { name: "Farriers' Way", district: 'DF3', sector: 4, locality: 'Northbrook', kind: 'suburb', houses: 32, round: '' },
  {
    name: 'Foxglove Road',
    district: 'DF3',
    sector: 5,
    locality: 'Northbrook',
    kind: 'suburb',
    houses: 50,
    round: '',
    blocks: [{ number: 1, name: 'Foxglove Court', flats: 18 }],
  },
  { name: 'School Lane', district: 'DF4', sector: 1, locality: 'Westcott', kind: 'village', houses: 30, round: '' },
  { name: 'Westcott Road', district: 'DF4', sector: 1, locality: 'Westcott', kind: 'village', houses: 56, round: '' },
  {
    name: 'Green Lane',
    district: 'DF4',
    sector: 1,
    locality: 'Westcott',
    kind: 'village',
    houses: 24,
    round: '',
    namedOnly: 6,
  },
  { name: 'Manor Road', district: 'DF4', sector: 2, locality: 'Westcott', kind: 'village', houses: 34, round: '' },
  {
    name: 'Vicarage Lane',
    district: 'DF4',
    sector: 2,
    locality: 'Westcott',
    kind: 'village',
    houses: 14,
    round: '',
    namedOnly: 5,
  },
  { name: 'Pound Lane', district: 'DF4', sector: 2, locality: 'Westcott', kind: 'village', houses: 18, round: '' },
  {
    name: 'Hollow Lane',
    district: 'DF4',
    sector: 3,
    locality: 'Westcott',
    kind: 'village',
    houses: 0,
    round: '',
    namedOnly: 14,
  },
  { name: 'Cherry Tree Road', district: 'DF4', sector: 3, locality: 'Westcott', kind: 'suburb', houses: 44, round: '' },
  { name: "St Mary's Close", district: 'DF4', sector: 3, locality: 'Westcott', kind: 'suburb', houses: 20, round: '' },
  {
    name: 'The Green',
    district: 'DF4',
    sector: 4,
    locality: 'Westcott',
    kind: 'village',
    houses: 16,
    round: '',
    namedOnly: 8,
  },
  { name: 'Church Road', district: 'DF4', sector: 4, locality: 'Westcott', kind: 'village', houses: 28, round: '' },
  { name: 'Nightingale Road', district: 'DF4', sector: 4, locality: 'Westcott', kind: 'suburb', houses: 46, round: '' },
  { name: 'Lime Tree Avenue', district: 'DF4', sector: 5, locality: 'Westcott', kind: 'suburb', houses: 52, round: '' },
  { name: 'Bramble Close', district: 'DF4', sector: 5, locality: 'Westcott', kind: 'suburb', houses: 24, round: '' },
  { name: 'Priory Road', district: 'DF1', sector: 5, kind: 'suburb', houses: 62, round: '' },
  { name: 'Jubilee Crescent', district: 'DF2', sector: 8, kind: 'suburb', houses: 50, round: '' },
  {
    name: 'Coronation Avenue',
    district: 'DF3',
    sector: 5,
    locality: 'Northbrook',
    kind: 'suburb',
    houses: 46,
    round: '',
  },
  {
    name: 'Spring Gardens',
    district: 'DF4',
    sector: 6,
    locality: 'Westcott',
    kind: 'suburb',
    houses: 38,
    round: '',
    blocks: [{ number: 2, name: 'Spring Court', flats: 10 }],
  },
];

const HOUSE_NAMES = [
  'Rose Cottage',
  'The Old Forge',
  'Ivy House',
  'Orchard House',
  'The Laurels',
  'Holly Lodge',
  'Meadow View',
  'The Old Rectory',
  'Willow Barn',
  'Stable Cottage',
  'Fern Lea',
  'Hillcrest',
  'Brook House',
  'The Granary',
  'Oak Lodge',
  'Springfield',
  'Lavender Cottage',
  'The Coach House',
  'Primrose Cottage',
  'Ashdene',
  'The Old Bakery',
  'Woodside',
  'Bramley House',
  'The Beeches',
  'Honeysuckle Cottage',
  'Greystones',
  'The Old School House',
  'Kestrel Cottage',
  'Pear Tree Cottage',
  'The Haven',
  'Glebe Cottage',
  'Hazel Bank',
  'Wisteria House',
  'The Bothy',
  'Mulberry Cottage',
];

const BANDS_BY_KIND: Record<Kind, Band[]> = {
  centre: ['A', 'B', 'B', 'C', 'C', 'D'],
  terrace: ['A', 'B', 'B', 'C', 'C', 'C', 'D'],
  suburb: ['B', 'C', 'C', 'D', 'D', 'D', 'E', 'E', 'F'],
  village: ['C', 'D', 'D', 'E', 'E', 'F', 'F', 'G', 'H'],
};
const GARDEN_SHARE: Record<Kind, number> = { centre: 0.05, terrace: 0.25, suburb: 0.5, village: 0.65 };

/** Letters Royal Mail uses in the unit part of a postcode (no C, I, K, M, O, V). */
const UNIT_LETTERS = 'ABDEFGHJLNPQRSTUWXYZ';

const random = mulberry32(20261123);
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

interface Row {
  property_id: number;
  house_number: string;
  house_name: string;
  flat: string;
  street: string;
  locality: string;
  town: string;
  postcode: string;
  round_id: string;
  garden_subscription: 'yes' | 'no';
  council_tax_band: Band;
}

// Pinned fixtures (the docs' and residents' examples): postcode units and special houses.
const PINNED_UNITS: Record<string, Record<string, string>> = {
  'High Street': { '1': 'DF1 1AA' },
  'Mill Lane': { '14': 'DF2 4QT', '22': 'DF2 4QT' },
};
const PINNED_HOUSES: Record<
  string,
  Record<number, { name?: string; flats?: number; garden?: boolean; band?: Band }>
> = {
  'High Street': { 1: { garden: false, band: 'C' } },
  // DF2 4QT has a plain 14 and 22, a converted house with flats and a named cottage, so
  // "14", "flat 2" and "rose cottage" all mean one property in that postcode.
  'Mill Lane': {
    14: { garden: false, band: 'B' },
    16: { name: 'Mill House', flats: 3 },
    18: { name: 'Rose Cottage', garden: true, band: 'C' },
    22: { garden: true, band: 'C' },
  },
};

const usedUnits = new Map<string, Set<string>>();
function takeUnit(district: string, sector: number, wanted?: string): string {
  const key = `${district} ${sector}`;
  const used = usedUnits.get(key) ?? new Set<string>();
  usedUnits.set(key, used);
  if (wanted) {
    used.add(wanted);
    return wanted;
  }
  for (;;) {
    const postcode = `${key}${pick([...UNIT_LETTERS])}${pick([...UNIT_LETTERS])}`;
    if (!used.has(postcode)) {
      used.add(postcode);
      return postcode;
    }
  }
}
// Reserve the pinned units first so no street draws them by chance.
for (const units of Object.values(PINNED_UNITS))
  for (const postcode of Object.values(units)) {
    const [district = '', inward = ''] = postcode.split(' ');
    takeUnit(district, Number(inward[0]), postcode);
  }

const rows: Row[] = [];
// Rounds are balanced: each street without a pinned round joins the round with fewest
// properties so far, as a waste team plans rounds of similar length.
const roundLoad = new Map(ROUNDS.map((r) => [r, 0]));
STREETS.forEach((street, index) => {
  const streetNumber = index + 1;
  const pinned = PINNED_HOUSES[street.name] ?? {};
  const namesOnStreet = new Set<string>(Object.values(pinned).flatMap((p) => (p.name ? [p.name] : [])));
  const freshName = (): string => {
    for (let i = 0; i < 50; i++) {
      const name = pick(HOUSE_NAMES);
      if (!namesOnStreet.has(name)) {
        namesOnStreet.add(name);
        return name;
      }
    }
    throw new Error(`ran out of house names on ${street.name}`);
  };

  type Draft = Omit<Row, 'property_id' | 'postcode' | 'street' | 'locality' | 'town' | 'round_id'> & {
    side: string;
    order: number;
  };
  const drafts: Draft[] = [];
  const house = (number: number): Omit<Draft, 'flat' | 'garden_subscription'> & { garden: 'yes' | 'no' } => {
    const pin = pinned[number];
    const nameChance = street.kind === 'village' ? 0.3 : street.kind === 'suburb' ? 0.06 : 0.02;
    const name = pin?.name ?? (pin ? '' : random() < nameChance ? freshName() : '');
    const gardenYes = pin?.garden ?? random() < GARDEN_SHARE[street.kind];
    return {
      house_number: String(number),
      house_name: name,
      council_tax_band: pin?.band ?? pick(BANDS_BY_KIND[street.kind]),
      garden: gardenYes ? 'yes' : 'no',
      side: number % 2 === 1 ? 'odd' : 'even',
      order: number,
    };
  };
  for (let number = 1; number <= street.houses; number++) {
    const block = street.blocks?.find((b) => b.number === number);
    const flats =
      block?.flats ?? pinned[number]?.flats ?? (street.kind === 'centre' && number > 1 && number % 4 === 3 ? 2 : 0);
    const base = house(number);
    if (flats > 0) {
      // Flats in a block are numbered 1..n; flats above a shop are lettered A, B.
      const lettered = !block && !pinned[number]?.flats;
      for (let f = 1; f <= flats; f++) {
        drafts.push({
          ...base,
          house_name: block?.name ?? pinned[number]?.name ?? '',
          flat: lettered ? String.fromCharCode(64 + f) : String(f),
          garden_subscription: 'no',
          council_tax_band: pick(['A', 'A', 'B'] as const),
          order: number + f / 1000,
        });
      }
    } else {
      drafts.push({ ...base, flat: '', garden_subscription: base.garden });
    }
  }
  for (let n = 0; n < (street.namedOnly ?? 0); n++) {
    const gardenYes = random() < GARDEN_SHARE[street.kind];
    drafts.push({
      house_number: '',
      house_name: freshName(),
      flat: '',
      garden_subscription: gardenYes ? 'yes' : 'no',
      council_tax_band: pick(BANDS_BY_KIND.village),
      side: 'named',
      order: 10_000 + n,
    });
  }

  const round = street.round || [...roundLoad.entries()].sort((a, b) => a[1] - b[1])[0]![0];
  roundLoad.set(round, (roundLoad.get(round) ?? 0) + drafts.length);

  // Postcode units: a short street is one unit; a longer one has a unit or more per side of
  // the road (named houses join the even side), in even runs of about 10-18 properties.
  const sides =
    drafts.length <= 24 ? [drafts] : [drafts.filter((d) => d.side === 'odd'), drafts.filter((d) => d.side !== 'odd')];
  for (const side of sides) {
    const onSide = [...side].sort((a, b) => a.order - b.order);
    const runs = Math.max(1, Math.ceil(onSide.length / 18));
    for (let r = 0; r < runs; r++) {
      const run = onSide.slice(Math.round((r * onSide.length) / runs), Math.round(((r + 1) * onSide.length) / runs));
      // A run holding a pinned fixture takes the pinned unit (DF2 4QT spans two runs of Mill Lane).
      const wanted = run.map((d) => PINNED_UNITS[street.name]?.[d.house_number]).find(Boolean);
      const postcode = takeUnit(street.district, street.sector, wanted);
      for (const d of run) {
        rows.push({
          property_id: 0,
          house_number: d.house_number,
          house_name: d.house_name,
          flat: d.flat,
          street: street.name,
          locality: street.locality ?? '',
          town: 'Demoford',
          postcode,
          round_id: round,
          garden_subscription: d.garden_subscription,
          council_tax_band: d.council_tax_band,
          ...{ order: d.order, streetNumber },
        } as Row);
      }
    }
  }
});

// Ids in street order, then house order, so they read like the street.
type Ordered = Row & { order: number; streetNumber: number };
const ordered = (rows as Ordered[]).sort((a, b) => a.streetNumber - b.streetNumber || a.order - b.order);
const seqByStreet = new Map<number, number>();
const out = ordered.map(({ order: _order, streetNumber, ...row }) => {
  const seq = (seqByStreet.get(streetNumber) ?? 0) + 1;
  seqByStreet.set(streetNumber, seq);
  return { ...row, property_id: 10_000_000 + streetNumber * 1000 + seq };
});

const columns: (keyof Row)[] = [
  'property_id',
  'house_number',
  'house_name',
  'flat',
  'street',
  'locality',
  'town',
  'postcode',
  'round_id',
  'garden_subscription',
  'council_tax_band',
];
const cell = (value: string | number): string => {
  const text = String(value);
  return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};
const csv = [columns.join(','), ...out.map((row) => columns.map((c) => cell(row[c])).join(','))].join('\n') + '\n';
const target = join(dirname(fileURLToPath(import.meta.url)), '..', 'gazetteer.csv');
writeFileSync(target, csv);
const postcodes = new Set(out.map((r) => r.postcode));
console.log(`wrote ${out.length} properties on ${STREETS.length} streets in ${postcodes.size} postcodes to ${target}`);
