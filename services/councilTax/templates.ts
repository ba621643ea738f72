/**
 * The {placeholders} council tax content may use, each with the longest value it can take,
 * so a load-time check can prove every SMS still fits in two segments whatever is filled in.
 */
import { countSegments, SMS_REPLY_SEGMENTS } from '../channels/smsText.js';

/**
 * Every placeholder and its worst case. `address` is checked against every property instead
 * (see CouncilTaxData), so its sample here is only a fallback for a council without one.
 */
export const PLACEHOLDERS = {
  address: 'Flat 12, Riverside Court, 2 Riverside Walk, Northbrook, Demoford, DF2 5SE',
  band: 'H',
  charge: '£4,560.00',
  year: '2026/27',
  A: '£1,520.00',
  B: '£1,773.33',
  C: '£2,026.67',
  D: '£2,280.00',
  E: '£2,786.67',
  F: '£3,293.33',
  G: '£3,800.00',
  H: '£4,560.00',
  paymentDays: '1st, 8th, 15th, 22nd or 28th',
  phone: '01632 960000',
  contactHours: 'Monday to Friday, 9am to 5pm',
  shortName: 'Demoford Council',
  moreUrl: 'https://www.demoford.gov.uk/counciltax/bands',
  time: '12:30pm on Wednesday 30 September',
  last4: '1234',
  balance: '£99,999.99',
  credit: '£99,999.99',
  nextAmount: '£9,999.99',
  nextDate: 'Wednesday 30 September',
  reference: 'HC-123456',
  days: '10',
  within: '10 working days',
} as const satisfies Record<string, string>;

export type Placeholder = keyof typeof PLACEHOLDERS;
export type TemplateValues = Partial<Record<Placeholder, string>>;

const PATTERN = /\{([A-Za-z0-9]+)\}/g;

export function placeholdersIn(template: string): string[] {
  return [...template.matchAll(PATTERN)].map((m) => m[1] ?? '');
}

export function isPlaceholder(name: string): name is Placeholder {
  return Object.hasOwn(PLACEHOLDERS, name);
}

/** Fills the template; a placeholder without a value is left as written, for fillsAll to catch. */
export function fill(template: string, values: TemplateValues): string {
  return template.replace(PATTERN, (whole, name: string) => (isPlaceholder(name) ? (values[name] ?? whole) : whole));
}

/** Why an SMS text cannot be sent as it is, or undefined when it is fine. */
export function smsProblem(text: string): string | undefined {
  const { encoding, segments, units } = countSegments(text);
  if (encoding !== 'GSM-7') {
    const bad = [...text].filter((c) => countSegments(c).encoding !== 'GSM-7');
    return `has characters a text message cannot carry cheaply (${[...new Set(bad)].map((c) => JSON.stringify(c)).join(' ')}): use plain quotes, dashes and no emoji`;
  }
  if (segments > SMS_REPLY_SEGMENTS)
    return `is ${units} characters filled in, longer than ${SMS_REPLY_SEGMENTS} texts (306 characters)`;
  return undefined;
}
