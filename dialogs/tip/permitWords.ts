/** A permit in the resident's words, for the summary, the confirmation and the permit text. */
import type { Permit } from '../../services/tip/permits.js';
import type { TipSite } from '../../services/tip/sites.js';
import type { Channel } from '../../services/channels/channels.js';
import { formatDate } from '../format.js';
import { windowWords } from './slots.js';

export interface PermitWords extends Record<string, string> {
  reference: string;
  vehicle: string;
  registration: string;
  site: string;
  siteAddress: string;
  date: string;
  window: string;
}

export function permitWords(
  permit: Pick<Permit, 'reference' | 'registrationDisplay' | 'date' | 'window'>,
  vehicleName: string,
  site: TipSite,
  channel: Channel,
  now: Date,
): PermitWords {
  const window = site.vanWindows.find((w) => w.id === permit.window);
  return {
    reference: permit.reference,
    vehicle: vehicleName,
    registration: permit.registrationDisplay,
    site: site.shortName,
    siteAddress: site.address,
    date: formatDate(permit.date, channel, now),
    window: window ? windowWords(window, channel) : permit.window,
  };
}

/** Trailer lengths as typed: "2.4", "2.4m", "2 metres", "8ft", "8 feet". */
export function parseLength(text: string): number | null {
  const match = /(\d+(?:\.\d+)?)\s*(m|metres?|meters?|ft|feet|foot|')?(?![\w])/i.exec(text);
  if (!match?.[1]) return null;
  const value = Number(match[1]);
  const unit = (match[2] ?? 'm').toLowerCase();
  const metres = unit === 'ft' || unit === 'feet' || unit === 'foot' || unit === "'" ? value * 0.3048 : value;
  return metres > 0 && metres < 20 ? Math.round(metres * 100) / 100 : null;
}
