/**
 * The TipSites port: the council's tips (household waste recycling centres), when they are
 * open and what they take. The demo council's comes from data/demo/tip (EmbeddedTipSites); a
 * council whose sites are run by a contractor with its own system writes another
 * implementation and the dialogs do not change.
 */
import type { IsoDate } from '../bins/dates.js';

export interface VanWindow {
  /** "morning" */
  id: string;
  /** "morning (8am to 12 noon)", for sentences and choices. */
  label: string;
  /** HH:mm local time. */
  from: string;
  to: string;
  /** Van and trailer permits the site takes in this window each open day. */
  places: number;
}

export interface TipSite {
  id: string;
  /** "Demoford Household Waste Recycling Centre" */
  name: string;
  /** "Quarry Road tip", for choices and SMS. */
  shortName: string;
  /** One line: "Quarry Road, Demoford, DF3 7QR". */
  address: string;
  /** How to get there and what to do at the gate, in plain words. */
  directions: string;
  vanWindows: VanWindow[];
}

export type ClosureKind = 'annual' | 'one_off' | 'bank_holiday' | 'weekday';

export type Opening =
  | {
      open: true;
      date: IsoDate;
      /** HH:mm local time. */
      opens: string;
      closes: string;
      /** "summer" / "winter", as named in the data. */
      season: string;
      /** Present when the date is a bank holiday the site opens on. */
      bankHoliday?: string;
    }
  | {
      open: false;
      date: IsoDate;
      kind: ClosureKind;
      /** Plain words for "closed on Friday 25 December (…)": "Christmas Day", "it closes every Wednesday". */
      reason: string;
    };

export interface MaterialAnswer {
  material: { id: string; name: string };
  /** Taken at (at least one of) the council's tips. */
  accepted: boolean;
  /** "up to 5 tins (20 litres) a visit" */
  limit?: string;
  rule?: string;
  /** What to do instead when refused, or beyond the limit. */
  alternative?: string;
  /** Sites that take it / do not, so "can I take a fridge to Northfield?" gets a straight answer. */
  acceptedAt: string[];
  notAcceptedAt: string[];
}

export interface TipSites {
  /** The zone the sites' dates and times are in (Europe/London), for turning `now` into today. */
  readonly timeZone: string;
  list(): Promise<TipSite[]>;
  get(siteId: string): Promise<TipSite | null>;
  /** A site named in the resident's words ("quarry road", "the Northfield one"); null when none or unclear. */
  findSite(text: string): Promise<TipSite | null>;
  /** Whether the site opens on this date, and its hours or why not. */
  openingOn(siteId: string, date: IsoDate): Promise<Opening>;
  /** The next `n` days the site is open, from `from` inclusive (searches up to a year). */
  nextOpenDays(siteId: string, from: IsoDate, n: number): Promise<Extract<Opening, { open: true }>[]>;
  /** What the tips say about the first thing named in the text ("can I take my old telly"); null when nothing matches. */
  material(query: string): Promise<MaterialAnswer | null>;
  /** Every material named in the text, in the order mentioned ("a fridge and some paint"). */
  materials(query: string): Promise<MaterialAnswer[]>;
}
