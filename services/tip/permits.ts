/**
 * The Permits port: van and trailer permits for the council's tips. The demo council keeps
 * them in its own database (DatabasePermits); a council with a booking system behind its
 * website writes another implementation and the dialogs do not change.
 *
 * Built for a dialog that asks one thing at a time: `eligibility` answers as soon as the
 * vehicle is known, `availableSlots` offers only bookable windows, and every refusal carries
 * a `message` in plain words (the rule and what to do instead, from the council's data) plus
 * structured `details` for choices (other slots, the date the allowance renews).
 */
import type { Instant, IsoDate } from '../bins/dates.js';

export type PermitStatus = 'booked' | 'cancelled';

export interface Permit {
  /** "TP-" + 6 digits (the reference format residents are given, store/references.ts). */
  reference: string;
  propertyId: string;
  /** Compact, upper case: "AB12CDE". */
  registration: string;
  /** As printed on a plate: "AB12 CDE". */
  registrationDisplay: string;
  /** A vehicle id from policy.json: "van", "pickup", "trailer"... */
  vehicleType: string;
  trailerLengthMetres?: number;
  siteId: string;
  date: IsoDate;
  /** A van window id of the site: "morning". */
  window: string;
  status: PermitStatus;
  /** Where it was booked: "webchat", "sms", "agent". */
  channel: string;
  createdAt: Date;
}

export type RefusalReason =
  /** The property is not in the council's address list. */
  | 'not_resident'
  /** The vehicle (tipper, Luton over 3.5 t...) may not use the tips. */
  | 'not_eligible'
  /** A car: no permit is needed. */
  | 'no_permit_needed'
  /** A trailer longer than the policy allows. */
  | 'trailer_too_long'
  /** A trailer whose length was not given: ask for it. */
  | 'trailer_length_needed'
  /** Business waste or a signwritten commercial vehicle. */
  | 'trade_waste'
  | 'invalid_registration'
  | 'invalid_phone'
  | 'unknown_site'
  | 'unknown_window'
  | 'in_past'
  | 'too_far_ahead'
  | 'site_closed'
  /** Today's window has started too long ago to book. */
  | 'window_passed'
  | 'slot_full'
  | 'allowance_used';

export interface Refusal<R extends string = RefusalReason> {
  ok: false;
  reason: R;
  /** Plain words for the resident: the rule and what to do instead. */
  message: string;
  /**
   * What the council's words for this reason were filled in with ("site", "date"...), so a
   * booking system behind the API reports the facts and the words stay the council's.
   */
  values?: Record<string, string | number>;
  details: RefusalDetails;
}

export interface RefusalDetails {
  /** allowance_used (and visitsUsed): visits counted, allowed, and the first date a visit can be booked again. */
  allowance?: VisitsUsed;
  /** slot_full, site_closed, window_passed: the soonest bookable slots instead (same site). */
  alternatives?: SlotAvailability[];
  /** site_closed: why. */
  closedReason?: string;
  /** not_eligible, no_permit_needed, trade_waste: the vehicle as the policy names it. */
  vehicle?: { id: string; name: string };
  /** trailer_too_long, trailer_length_needed. */
  maxTrailerLengthMetres?: number;
  /** too_far_ahead: the last date that can be booked today. */
  lastDate?: IsoDate;
}

export type Eligibility =
  | { eligible: true; vehicle: { id: string; name: string; trailer: boolean } }
  | ({ eligible: false } & Omit<
      Refusal<'not_eligible' | 'no_permit_needed' | 'trade_waste' | 'trailer_too_long' | 'trailer_length_needed'>,
      'ok'
    >);

export interface SlotAvailability {
  siteId: string;
  date: IsoDate;
  window: string;
  /** "morning (8am to 12 noon)" */
  label: string;
  from: string;
  to: string;
  placesLeft: number;
}

export interface VisitsUsed {
  /** Booked (not cancelled) visits counted against the allowance, including upcoming ones. */
  used: number;
  allowed: number;
  /** The first date a new visit can be booked for when used up; otherwise when the oldest counted visit drops out. Null when none are counted. */
  renewsOn: IsoDate | null;
}

export interface IssueRequest {
  propertyId: string;
  /** As typed; normalised and checked ("ab12cde" -> "AB12CDE"). */
  registration: string;
  vehicleType: string;
  trailerLengthMetres?: number;
  siteId: string;
  date: IsoDate;
  window: string;
  /** The number to find the permit by later (E.164 or as typed; normalised). */
  phone?: string;
  channel: string;
  /** Same key, same permit: a retried request (a double tap, an SMS resent) never issues twice. */
  idempotencyKey: string;
  /** The resident confirmed it is household waste only; false is refused as trade waste. */
  declaredNoTradeWaste: boolean;
  now: Instant;
}

export type IssueResult =
  { ok: true; permit: Permit; /** False when the idempotency key had already issued it. */ created: boolean } | Refusal;

/** How the person managing a permit proves it is theirs. */
export type PermitCredentials = { phone: string } | { postcode: string };

export type ManageRefusalReason = 'not_found' | 'already_cancelled' | 'too_late_to_change';
export type ManageResult = { ok: true; permit: Permit } | Refusal<ManageRefusalReason | RefusalReason>;

export interface Permits {
  /** Whether the vehicle can get a permit; call as soon as the resident says what they drive. */
  eligibility(input: { vehicleType: string; trailerLengthMetres?: number }): Promise<Eligibility>;
  /** The vehicle type a resident's words name ("a transit", "car and trailer"); null when none. */
  vehicleFromText(text: string): Promise<{ id: string; name: string } | null>;
  /** Windows with places left from `from` for `days` days, bookable at `now`, soonest first. */
  availableSlots(input: { siteId: string; from: IsoDate; days: number; now: Instant }): Promise<SlotAvailability[]>;
  issue(request: IssueRequest): Promise<IssueResult>;
  /** The permit, only when the postcode is the booked address's; otherwise null (as for no permit). */
  findByReference(reference: string, postcode: string): Promise<Permit | null>;
  /** Permits booked with this phone number, newest visit first. */
  findForPhone(phone: string): Promise<Permit[]>;
  /**
   * Permits for an address, newest visit first. Knowing an address proves nothing: for the
   * contact centre and for counting, never to show a resident who has not proved it is theirs.
   */
  findForProperty(propertyId: string): Promise<Permit[]>;
  /** Cancels it, freeing the slot and the visit, until its window starts. */
  cancel(reference: string, credentials: PermitCredentials, now: Instant): Promise<ManageResult>;
  /** Moves it to another day/window (and site), with the same checks as a new permit. */
  changeDate(
    reference: string,
    credentials: PermitCredentials,
    to: { date: IsoDate; window: string; siteId?: string },
    now: Instant,
  ): Promise<ManageResult>;
  changeRegistration(
    reference: string,
    credentials: PermitCredentials,
    registration: string,
    now: Instant,
  ): Promise<ManageResult>;
  visitsUsed(propertyId: string, now: Instant): Promise<VisitsUsed>;
}
