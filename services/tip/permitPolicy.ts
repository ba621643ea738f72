/**
 * The council's permit rules as pure decisions over policy.json and the TipSites port: which
 * vehicles qualify, which dates and windows can be booked at a given moment, how the rolling
 * allowance is counted, and the plain-words refusal for each. Kept apart from storage so a
 * council's own booking system can reuse the same rules in its implementation of Permits.
 */
import { DateTime } from 'luxon';
import { addDays, localNow, type Instant, type IsoDate } from '../bins/dates.js';
import { fillTemplate, formatDate, orList } from './format.js';
import type { Eligibility, Refusal, RefusalDetails, VisitsUsed } from './permits.js';
import { PhraseMatcher } from '../words/phraseMatcher.js';
import type { TipSite, TipSites, VanWindow } from './sites.js';
import type { MessageKey, TipPolicy, VehicleRule } from './tipData.js';

/** The council's permit rules as dialogs use them: typed values, not policy.json's shape. */
export interface PermitRules {
  visitsPerHousehold: number;
  periodMonths: number;
  bookAheadDays: number;
  maxTrailerLengthMetres: number;
}

/** A kind of vehicle the council names, and what it decides for it. */
export interface VehicleKind {
  id: string;
  /** "van", for sentences and choices. */
  name: string;
  decision: VehicleRule['decision'];
  /** Its length is asked, and checked against maxTrailerLengthMetres. */
  trailer: boolean;
}

export interface BookableSlot {
  site: TipSite;
  window: VanWindow;
}

/** Refusals a vehicle can get: the most restrictive reading of the resident's words wins. */
const DECISION_ORDER: Record<VehicleRule['decision'], number> = {
  trade_waste: 0,
  refused: 1,
  permit: 2,
  no_permit_needed: 3,
};

export class PermitPolicy {
  private readonly vehicles: Map<string, VehicleRule>;
  private readonly vehicleMatcher: PhraseMatcher<VehicleRule>;

  constructor(
    private readonly policy: TipPolicy,
    private readonly sites: TipSites,
  ) {
    this.vehicles = new Map(policy.vehicles.map((v) => [v.id, v]));
    this.vehicleMatcher = new PhraseMatcher(
      policy.vehicles.map((v) => ({ value: v, phrases: [...v.synonyms, v.name] })),
    );
  }

  get timeZone(): string {
    return this.policy.timeZone;
  }

  get rules(): PermitRules {
    const { allowance, booking, trailer } = this.policy;
    return {
      visitsPerHousehold: allowance.visitsPerHousehold,
      periodMonths: allowance.periodMonths,
      bookAheadDays: booking.bookAheadDays,
      maxTrailerLengthMetres: trailer.maxLengthMetres,
    };
  }

  /** The vehicle kind with this id; undefined for one the council does not name. */
  vehicle(id: string): VehicleKind | undefined {
    const rule = this.vehicles.get(id);
    return rule && vehicleKind(rule);
  }

  /** The vehicles a permit can be booked for, in the council's order (the choices offered). */
  permitVehicles(): VehicleKind[] {
    return this.policy.vehicles.filter((v) => v.decision === 'permit').map(vehicleKind);
  }

  /** The message for a refusal, in the council's words. */
  message(key: MessageKey, values: Record<string, string | number> = {}): string {
    return fillTemplate(this.policy.messages[key], values);
  }

  refusal<R extends MessageKey>(
    reason: R,
    values: Record<string, string | number> = {},
    details: RefusalDetails = {},
  ): Refusal<R> {
    return { ok: false, reason, message: this.message(reason, values), values, details };
  }

  vehicleFromText(text: string): { id: string; name: string } | null {
    const found = this.vehicleMatcher
      .findAll(text)
      .sort((a, b) => DECISION_ORDER[a.decision] - DECISION_ORDER[b.decision]);
    const vehicle = found[0];
    return vehicle ? { id: vehicle.id, name: vehicle.name } : null;
  }

  eligibility({
    vehicleType,
    trailerLengthMetres,
  }: {
    vehicleType: string;
    trailerLengthMetres?: number;
  }): Eligibility {
    const vehicle = this.vehicles.get(vehicleType);
    if (!vehicle) throw new Error(`Unknown vehicle type "${vehicleType}" (policy.json vehicles)`);
    const named = { id: vehicle.id, name: vehicle.name };
    const maxLength = `${this.policy.trailer.maxLengthMetres} metres`;
    switch (vehicle.decision) {
      case 'trade_waste':
        return {
          eligible: false,
          reason: 'trade_waste',
          message: this.message('trade_waste'),
          details: { vehicle: named },
        };
      case 'refused':
        return { eligible: false, reason: 'not_eligible', message: vehicle.message ?? '', details: { vehicle: named } };
      case 'no_permit_needed':
        return {
          eligible: false,
          reason: 'no_permit_needed',
          message: vehicle.message ?? '',
          details: { vehicle: named },
        };
      case 'permit':
        break;
    }
    if (vehicle.trailer) {
      const details = { vehicle: named, maxTrailerLengthMetres: this.policy.trailer.maxLengthMetres };
      if (trailerLengthMetres === undefined) {
        return {
          eligible: false,
          reason: 'trailer_length_needed',
          message: this.message('trailer_length_needed', { maxLength }),
          details,
        };
      }
      if (trailerLengthMetres > this.policy.trailer.maxLengthMetres) {
        return {
          eligible: false,
          reason: 'trailer_too_long',
          message: this.message('trailer_too_long', { maxLength }),
          details,
        };
      }
    }
    return { eligible: true, vehicle: { ...named, trailer: vehicle.trailer === true } };
  }

  /** Today in the council's zone, and minutes past midnight. */
  clock(now: Instant): { today: IsoDate; minutes: number } {
    const local = localNow(now, this.timeZone);
    return { today: local.date, minutes: local.at.hour * 60 + local.at.minute };
  }

  lastBookableDate(today: IsoDate): IsoDate {
    return addDays(today, this.policy.booking.bookAheadDays);
  }

  /** Whether a window on a date can still be booked at `now` (today: until shortly before it ends). */
  windowStillBookable(window: VanWindow, date: IsoDate, now: Instant): boolean {
    const { today, minutes } = this.clock(now);
    if (date !== today) return date > today;
    return minutes <= toMinutes(window.to) - this.policy.booking.latestMinutesBeforeWindowEnds;
  }

  /** A permit can be cancelled or changed until its window starts. */
  stillChangeable(date: IsoDate, window: VanWindow | undefined, now: Instant): boolean {
    const { today, minutes } = this.clock(now);
    if (date !== today) return date > today;
    return window !== undefined && minutes < toMinutes(window.from);
  }

  /**
   * The checks on a site, date and window that need no database: the window exists, the date
   * is within the booking horizon, the site is open, and (today) the window has not gone.
   */
  async checkSlot(siteId: string, date: IsoDate, windowId: string, now: Instant): Promise<BookableSlot | Refusal> {
    const site = await this.sites.get(siteId);
    if (!site) {
      const sites = await this.sites.list();
      return this.refusal('unknown_site', { sites: orList(sites.map((s) => s.shortName)) });
    }
    const window = site.vanWindows.find((w) => w.id === windowId);
    if (!window)
      return this.refusal('unknown_window', {
        site: site.shortName,
        windows: orList(site.vanWindows.map((w) => w.label)),
      });
    const { today } = this.clock(now);
    if (date < today) return this.refusal('in_past', { date: formatDate(date, today) });
    const lastDate = this.lastBookableDate(today);
    if (date > lastDate) {
      return this.refusal(
        'too_far_ahead',
        { bookAheadDays: this.policy.booking.bookAheadDays, lastDate: formatDate(lastDate, today) },
        { lastDate },
      );
    }
    const opening = await this.sites.openingOn(siteId, date);
    if (!opening.open) {
      const [next] = await this.sites.nextOpenDays(siteId, addDays(date, 1), 1);
      return this.refusal(
        'site_closed',
        {
          site: site.shortName,
          date: formatDate(date, today),
          reason: opening.reason,
          nextOpen: next ? formatDate(next.date, today) : 'a date not yet published',
        },
        { closedReason: opening.reason },
      );
    }
    if (!this.windowStillBookable(window, date, now)) {
      return this.refusal('window_passed', { window: window.label, date: formatDate(date, today) });
    }
    return { site, window };
  }

  /**
   * The rolling allowance for a visit on `onDate`: a visit counts while it is within
   * `periodMonths` before that date (and every later booking counts, as bookings are at most
   * a few weeks ahead). `visitDates` are the household's booked, not cancelled, visits.
   */
  allowance(visitDates: IsoDate[], onDate: IsoDate): VisitsUsed {
    const { visitsPerHousehold: allowed, periodMonths } = this.policy.allowance;
    const cutoff = shiftMonths(onDate, -periodMonths);
    const counted = visitDates.filter((d) => d > cutoff).sort();
    const used = counted.length;
    // The k-th oldest counted visit must drop out before a new one fits: k = used - allowed + 1.
    const k = used >= allowed ? used - allowed : 0;
    const renewing = counted[k];
    return { used, allowed, renewsOn: renewing ? shiftMonths(renewing, periodMonths) : null };
  }

  allowanceRefusal(allowance: VisitsUsed, today: IsoDate): Refusal<'allowance_used'> {
    return this.refusal(
      'allowance_used',
      {
        allowed: allowance.allowed,
        periodMonths: this.policy.allowance.periodMonths,
        renewsOn: allowance.renewsOn ? formatDate(allowance.renewsOn, today) : 'a later date',
      },
      { allowance },
    );
  }

  /** The first date the allowance is counted from for a visit on `onDate` (exclusive). */
  allowanceCutoff(onDate: IsoDate): IsoDate {
    return shiftMonths(onDate, -this.policy.allowance.periodMonths);
  }
}

function vehicleKind(rule: VehicleRule): VehicleKind {
  return { id: rule.id, name: rule.name, decision: rule.decision, trailer: rule.trailer === true };
}

function toMinutes(time: string): number {
  const [h, m] = time.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

function shiftMonths(date: IsoDate, months: number): IsoDate {
  return DateTime.fromISO(date, { zone: 'utc' }).plus({ months }).toISODate() as IsoDate;
}
