/**
 * Permits kept in the assistant's own database (SQLite or PostgreSQL), for a council without
 * a booking system of its own.
 *
 * Never over-booked, never issued twice, on either engine and with several instances:
 * one transaction (1) locks the household's row in tip_households, (2) returns the permit
 * already issued for the idempotency key, (3) counts the household's visits for the
 * allowance, (4) takes a place with `UPDATE tip_slots SET booked = booked + 1 WHERE booked <
 * capacity` (its row count decides), (5) inserts the permit. On PostgreSQL the row locks
 * serialise competing bookings for a household or a slot, and READ COMMITTED re-reads after
 * each wait, so every count is current; on SQLite Kysely runs one transaction at a time on
 * its single connection. A unique violation (a reference drawn twice at the same moment, the
 * same idempotency key from two requests at once) or a deadlock aborts a PostgreSQL
 * transaction, so the whole transaction is retried, and the retry finds the winner's permit.
 */
import { sql, type Selectable, type Transaction } from 'kysely';
import type { AddressLookup } from '../addresses/addressLookup.js';
import { normalisePostcode } from '../addresses/postcodes.js';
import { addDays, type Instant, type IsoDate } from '../bins/dates.js';
import type { Db } from '../../store/database.js';
import { isUniqueViolation, newReference } from '../../store/references.js';
import type { DatabaseSchema, TipPermitTable } from '../../store/schema.js';
import { formatDate } from './format.js';
import { PermitPolicy } from './permitPolicy.js';
import type {
  Eligibility,
  IssueRequest,
  IssueResult,
  ManageRefusalReason,
  ManageResult,
  RefusalReason,
  Permit,
  PermitCredentials,
  Permits,
  Refusal,
  SlotAvailability,
  VisitsUsed,
} from './permits.js';
import { normalisePhone } from './phone.js';
import { displayRegistration, normaliseRegistration } from './registration.js';
import type { TipSites } from './sites.js';
import type { TipPolicy } from './tipData.js';

type Trx = Transaction<DatabaseSchema>;
type PermitRow = Selectable<TipPermitTable>;

/** Attempts at a transaction that a race aborted: each retry sees the winner's committed rows. */
const MAX_ATTEMPTS = 8;
/** How many alternative slots a refusal offers, and how far ahead it looks for them. */
const ALTERNATIVES = 3;
const ALTERNATIVE_DAYS = 7;

/** Thrown inside a transaction to roll it back; the refusal it stands for is returned instead. */
class RolledBack extends Error {}

/** Ends a transaction with a refusal (rolling back anything it wrote). */
type Refuse<R extends string> = (refusal: Refusal<R>) => never;

export interface DatabasePermitsOptions {
  db: Db;
  addresses: AddressLookup;
  sites: TipSites;
  policy: TipPolicy;
}

export class DatabasePermits implements Permits {
  private readonly db: Db;
  private readonly addresses: AddressLookup;
  private readonly sites: TipSites;
  private readonly rules: PermitPolicy;

  constructor(options: DatabasePermitsOptions) {
    this.db = options.db;
    this.addresses = options.addresses;
    this.sites = options.sites;
    this.rules = new PermitPolicy(options.policy, options.sites);
  }

  async eligibility(input: { vehicleType: string; trailerLengthMetres?: number }): Promise<Eligibility> {
    return this.rules.eligibility(input);
  }

  async vehicleFromText(text: string): Promise<{ id: string; name: string } | null> {
    return this.rules.vehicleFromText(text);
  }

  async availableSlots({
    siteId,
    from,
    days,
    now,
  }: {
    siteId: string;
    from: IsoDate;
    days: number;
    now: Instant;
  }): Promise<SlotAvailability[]> {
    const site = await this.sites.get(siteId);
    if (!site || days <= 0) return [];
    const { today } = this.rules.clock(now);
    const first = from > today ? from : today;
    const last = [addDays(from, days - 1), this.rules.lastBookableDate(today)].sort()[0] as IsoDate;
    if (first > last) return [];
    const booked = await this.db
      .selectFrom('tip_slots')
      .select(['visit_date', 'time_window', 'booked'])
      .where('site_id', '=', siteId)
      .where('visit_date', '>=', first)
      .where('visit_date', '<=', last)
      .execute();
    const taken = new Map(booked.map((r) => [`${r.visit_date}/${r.time_window}`, r.booked]));
    const slots: SlotAvailability[] = [];
    for (let date = first; date <= last; date = addDays(date, 1)) {
      if (!(await this.sites.openingOn(siteId, date)).open) continue;
      for (const window of site.vanWindows) {
        const placesLeft = window.places - (taken.get(`${date}/${window.id}`) ?? 0);
        if (placesLeft > 0 && this.rules.windowStillBookable(window, date, now)) {
          slots.push({
            siteId,
            date,
            window: window.id,
            label: window.label,
            from: window.from,
            to: window.to,
            placesLeft,
          });
        }
      }
    }
    return slots;
  }

  async issue(request: IssueRequest): Promise<IssueResult> {
    // A retry of a request already granted returns its permit even if the rules would now
    // refuse it (its window has since passed, say).
    const existing = await this.byIdempotencyKey(this.db, request.idempotencyKey, request.propertyId);
    if (existing) return { ok: true, permit: existing, created: false };

    const property = await this.addresses.getProperty(request.propertyId);
    if (!property) return this.rules.refusal('not_resident');
    if (!request.declaredNoTradeWaste) return this.rules.refusal('trade_waste');
    const eligibility = this.rules.eligibility(request);
    if (!eligibility.eligible)
      return { ok: false, reason: eligibility.reason, message: eligibility.message, details: eligibility.details };
    const registration = normaliseRegistration(request.registration);
    if (!registration) return this.rules.refusal('invalid_registration', { registration: request.registration.trim() });
    let phone: string | null = null;
    if (request.phone !== undefined && request.phone.trim() !== '') {
      phone = normalisePhone(request.phone);
      if (!phone) return this.rules.refusal('invalid_phone', { phone: request.phone.trim() });
    }
    const slot = await this.rules.checkSlot(request.siteId, request.date, request.window, request.now);
    if ('ok' in slot) return this.withAlternatives(slot, request.siteId, request.date, request.now);

    const { today } = this.rules.clock(request.now);
    const at = instantMs(request.now);
    const result = await this.transaction<Extract<IssueResult, { ok: true }>, RefusalReason>(async (trx, refuse) => {
      await lockHousehold(trx, request.propertyId);
      const issued = await this.byIdempotencyKey(trx, request.idempotencyKey, request.propertyId);
      if (issued) return { ok: true as const, permit: issued, created: false };

      const allowance = await this.allowanceIn(trx, request.propertyId, request.date);
      if (allowance.used >= allowance.allowed) refuse(this.rules.allowanceRefusal(allowance, today));
      if (!(await takePlace(trx, request.siteId, request.date, slot.window.id, slot.window.places))) {
        refuse(this.slotFull(slot.site.shortName, slot.window.label, request.date, today));
      }

      const reference = await freeReference(trx);
      const row: PermitRow = {
        reference,
        property_id: request.propertyId,
        postcode: property.postcode,
        registration: registration.value,
        vehicle_type: eligibility.vehicle.id,
        trailer_length_cm:
          eligibility.vehicle.trailer && request.trailerLengthMetres !== undefined
            ? Math.round(request.trailerLengthMetres * 100)
            : null,
        site_id: request.siteId,
        visit_date: request.date,
        time_window: slot.window.id,
        phone,
        channel: request.channel,
        idempotency_key: request.idempotencyKey,
        status: 'booked',
        created_at: at,
        updated_at: at,
        cancelled_at: null,
      };
      await trx.insertInto('tip_permits').values(row).execute();
      return { ok: true as const, permit: toPermit(row), created: true };
    });
    return result.ok ? result : this.withAlternatives(result, request.siteId, request.date, request.now);
  }

  async findByReference(reference: string, postcode: string): Promise<Permit | null> {
    const row = await this.rowFor(this.db, reference, { postcode });
    return row ? toPermit(row) : null;
  }

  async findForPhone(phone: string): Promise<Permit[]> {
    const normalised = normalisePhone(phone);
    if (!normalised) return [];
    const rows = await this.db
      .selectFrom('tip_permits')
      .selectAll()
      .where('phone', '=', normalised)
      .orderBy('visit_date', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toPermit);
  }

  async findForProperty(propertyId: string): Promise<Permit[]> {
    const rows = await this.db
      .selectFrom('tip_permits')
      .selectAll()
      .where('property_id', '=', propertyId)
      .orderBy('visit_date', 'desc')
      .orderBy('created_at', 'desc')
      .execute();
    return rows.map(toPermit);
  }

  async cancel(reference: string, credentials: PermitCredentials, now: Instant): Promise<ManageResult> {
    return this.transaction(async (trx, refuse) => {
      const row = await this.changeableRow(trx, refuse, reference, credentials, now);
      // Conditional on still booked: of two cancels at once, only one frees the place.
      const cancelled = await trx
        .updateTable('tip_permits')
        .set({ status: 'cancelled', cancelled_at: instantMs(now), updated_at: instantMs(now) })
        .where('reference', '=', row.reference)
        .where('status', '=', 'booked')
        .returning(['site_id', 'visit_date', 'time_window'])
        .executeTakeFirst();
      if (!cancelled) return refuse(this.rules.refusal('already_cancelled', { reference: row.reference }));
      // The place the permit holds as cancelled, not as read above: on PostgreSQL a change of
      // day that committed while this update waited for the row has moved it.
      await freePlace(trx, cancelled.site_id, cancelled.visit_date, cancelled.time_window);
      return {
        ok: true as const,
        permit: toPermit({ ...row, ...cancelled, status: 'cancelled', cancelled_at: instantMs(now) }),
      };
    });
  }

  async changeDate(
    reference: string,
    credentials: PermitCredentials,
    to: { date: IsoDate; window: string; siteId?: string },
    now: Instant,
  ): Promise<ManageResult> {
    const current = await this.rowFor(this.db, reference, credentials);
    if (!current) return this.rules.refusal('not_found');
    const siteId = to.siteId ?? current.site_id;
    const slot = await this.rules.checkSlot(siteId, to.date, to.window, now);
    if ('ok' in slot) return this.withAlternatives(slot, siteId, to.date, now);
    const { today } = this.rules.clock(now);

    const result = await this.transaction<Extract<ManageResult, { ok: true }>, RefusalReason | ManageRefusalReason>(
      async (trx, refuse) => {
        await lockHousehold(trx, current.property_id);
        const row = await this.changeableRow(trx, refuse, reference, credentials, now);
        const same = row.site_id === siteId && row.visit_date === to.date && row.time_window === slot.window.id;
        if (same) return { ok: true as const, permit: toPermit(row) };
        const allowance = await this.allowanceIn(trx, row.property_id, to.date, row.reference);
        if (allowance.used >= allowance.allowed) refuse(this.rules.allowanceRefusal(allowance, today));
        // Locks are taken in one order everywhere (household, permit, slots) so no two bookings
        // wait on each other; the permit first, conditional on still booked, against a cancel.
        const changes = {
          site_id: siteId,
          visit_date: to.date,
          time_window: slot.window.id,
          updated_at: instantMs(now),
        };
        const updated = await trx
          .updateTable('tip_permits')
          .set(changes)
          .where('reference', '=', row.reference)
          .where('status', '=', 'booked')
          .executeTakeFirst();
        if (Number(updated.numUpdatedRows) !== 1)
          refuse(this.rules.refusal('already_cancelled', { reference: row.reference }));
        // Slot rows in key order, so two residents swapping slots cannot deadlock.
        const moves = [
          {
            key: slotKey(siteId, to.date, slot.window.id),
            run: () => takePlace(trx, siteId, to.date, slot.window.id, slot.window.places),
          },
          {
            key: slotKey(row.site_id, row.visit_date, row.time_window),
            run: () => freePlace(trx, row.site_id, row.visit_date, row.time_window).then(() => true),
          },
        ].sort((a, b) => (a.key < b.key ? -1 : 1));
        for (const move of moves) {
          if (!(await move.run())) refuse(this.slotFull(slot.site.shortName, slot.window.label, to.date, today));
        }
        return { ok: true as const, permit: toPermit({ ...row, ...changes }) };
      },
    );
    return result.ok ? result : this.withAlternatives(result, siteId, to.date, now);
  }

  async changeRegistration(
    reference: string,
    credentials: PermitCredentials,
    registration: string,
    now: Instant,
  ): Promise<ManageResult> {
    const normalised = normaliseRegistration(registration);
    if (!normalised) return this.rules.refusal('invalid_registration', { registration: registration.trim() });
    return this.transaction(async (trx, refuse) => {
      const row = await this.changeableRow(trx, refuse, reference, credentials, now);
      const changes = { registration: normalised.value, updated_at: instantMs(now) };
      await trx.updateTable('tip_permits').set(changes).where('reference', '=', row.reference).execute();
      return { ok: true as const, permit: toPermit({ ...row, ...changes }) };
    });
  }

  async visitsUsed(propertyId: string, now: Instant): Promise<VisitsUsed> {
    return this.allowanceIn(this.db, propertyId, this.rules.clock(now).today);
  }

  /** Runs `work` in a transaction, retrying races; `refuse` inside rolls back and returns the refusal. */
  private async transaction<T, R extends string>(
    work: (trx: Trx, refuse: Refuse<R>) => Promise<T>,
  ): Promise<T | Refusal<R>> {
    for (let attempt = 1; ; attempt++) {
      const outcome: { refused?: Refusal<R> } = {};
      const refuse: Refuse<R> = (refusal) => {
        outcome.refused = refusal;
        throw new RolledBack(refusal.reason);
      };
      try {
        return await this.db.transaction().execute((trx) => work(trx, refuse));
      } catch (error) {
        if (outcome.refused) return outcome.refused;
        if (attempt >= MAX_ATTEMPTS || !(isUniqueViolation(error) || isTransientConflict(error))) throw error;
      }
    }
  }

  private async allowanceIn(
    db: Db | Trx,
    propertyId: string,
    onDate: IsoDate,
    excluding?: string,
  ): Promise<VisitsUsed> {
    let query = db
      .selectFrom('tip_permits')
      .select('visit_date')
      .where('property_id', '=', propertyId)
      .where('status', '=', 'booked')
      .where('visit_date', '>', this.rules.allowanceCutoff(onDate));
    if (excluding) query = query.where('reference', '!=', excluding);
    const rows = await query.execute();
    return this.rules.allowance(
      rows.map((r) => r.visit_date),
      onDate,
    );
  }

  /**
   * The permit a key already issued. A key reused for another household is a caller's bug
   * (keys must be unique per booking); failing loudly beats showing one household another's permit.
   */
  private async byIdempotencyKey(db: Db | Trx, key: string, propertyId: string): Promise<Permit | null> {
    const row = await db.selectFrom('tip_permits').selectAll().where('idempotency_key', '=', key).executeTakeFirst();
    if (row && row.property_id !== propertyId)
      throw new Error('Permit idempotency key reused for a different household');
    return row ? toPermit(row) : null;
  }

  /** The permit if the credentials prove it is theirs; a stranger gets the same null as for no permit. */
  private async rowFor(db: Db | Trx, reference: string, credentials: PermitCredentials): Promise<PermitRow | null> {
    const normalisedReference = normaliseReference(reference);
    if (!normalisedReference) return null;
    const row = await db
      .selectFrom('tip_permits')
      .selectAll()
      .where('reference', '=', normalisedReference)
      .executeTakeFirst();
    if (!row) return null;
    if ('postcode' in credentials) return normalisePostcode(credentials.postcode) === row.postcode ? row : null;
    const phone = normalisePhone(credentials.phone);
    return phone !== null && phone === row.phone ? row : null;
  }

  /** The permit, proven theirs, still booked and before its window starts; otherwise a refusal (rolled back). */
  private async changeableRow(
    trx: Trx,
    refuse: Refuse<ManageRefusalReason>,
    reference: string,
    credentials: PermitCredentials,
    now: Instant,
  ): Promise<PermitRow> {
    const row = await this.rowFor(trx, reference, credentials);
    if (!row) refuse(this.rules.refusal('not_found'));
    if (row.status !== 'booked') refuse(this.rules.refusal('already_cancelled', { reference: row.reference }));
    const site = await this.sites.get(row.site_id);
    const window = site?.vanWindows.find((w) => w.id === row.time_window);
    if (!this.rules.stillChangeable(row.visit_date, window, now)) {
      const { today } = this.rules.clock(now);
      refuse(
        this.rules.refusal('too_late_to_change', {
          reference: row.reference,
          date: formatDate(row.visit_date, today),
          window: window?.label ?? row.time_window,
        }),
      );
    }
    return row;
  }

  private slotFull(site: string, window: string, date: IsoDate, today: IsoDate): Refusal<'slot_full'> {
    return this.rules.refusal('slot_full', { site, window, date: formatDate(date, today) });
  }

  /** Refusals a resident can get round by choosing another slot offer the soonest ones. */
  private async withAlternatives<R extends string>(
    refusal: Refusal<R>,
    siteId: string,
    date: IsoDate,
    now: Instant,
  ): Promise<Refusal<R>> {
    if (!['slot_full', 'site_closed', 'window_passed'].includes(refusal.reason)) return refusal;
    const slots = await this.availableSlots({ siteId, from: date, days: ALTERNATIVE_DAYS, now });
    return { ...refusal, details: { ...refusal.details, alternatives: slots.slice(0, ALTERNATIVES) } };
  }
}

/**
 * Locks the household's row for the rest of the transaction (creating it on a first booking):
 * a plain UPDATE, because SQLite has no SELECT ... FOR UPDATE and the write lock is the same.
 */
async function lockHousehold(trx: Trx, propertyId: string): Promise<void> {
  await trx
    .insertInto('tip_households')
    .values({ property_id: propertyId })
    .onConflict((oc) => oc.column('property_id').doNothing())
    .execute();
  await trx
    .updateTable('tip_households')
    .set({ version: sql<number>`version + 1` })
    .where('property_id', '=', propertyId)
    .execute();
}

/** Takes one place if the slot has one left; false when it is full. */
async function takePlace(trx: Trx, siteId: string, date: IsoDate, window: string, capacity: number): Promise<boolean> {
  await trx
    .insertInto('tip_slots')
    .values({ site_id: siteId, visit_date: date, time_window: window })
    .onConflict((oc) => oc.columns(['site_id', 'visit_date', 'time_window']).doNothing())
    .execute();
  const result = await trx
    .updateTable('tip_slots')
    .set({ booked: sql<number>`booked + 1` })
    .where('site_id', '=', siteId)
    .where('visit_date', '=', date)
    .where('time_window', '=', window)
    .where('booked', '<', capacity)
    .executeTakeFirst();
  return Number(result.numUpdatedRows) === 1;
}

async function freePlace(trx: Trx, siteId: string, date: IsoDate, window: string): Promise<void> {
  await trx
    .updateTable('tip_slots')
    .set({ booked: sql<number>`booked - 1` })
    .where('site_id', '=', siteId)
    .where('visit_date', '=', date)
    .where('time_window', '=', window)
    .where('booked', '>', 0)
    .execute();
}

/**
 * A reference not yet used. Checked before the insert because on PostgreSQL a failed insert
 * aborts the transaction; the rare race between two transactions drawing the same number at
 * once is caught by the primary key and the whole transaction retried.
 */
async function freeReference(trx: Trx): Promise<string> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const reference = newReference('TP');
    const taken = await trx
      .selectFrom('tip_permits')
      .select('reference')
      .where('reference', '=', reference)
      .executeTakeFirst();
    if (!taken) return reference;
  }
  throw new Error('Could not find a free TP reference after 20 attempts');
}

function slotKey(siteId: string, date: IsoDate, window: string): string {
  return `${siteId}/${date}/${window}`;
}

/** "tp123456", "TP 123456", "TP-123456" -> "TP-123456". */
function normaliseReference(text: string): string | null {
  const match = /^\s*TP[\s-]?(\d{6})\s*$/i.exec(text);
  return match ? `TP-${match[1]}` : null;
}

/** PostgreSQL serialization failure or deadlock, and SQLite busy: safe to run the transaction again. */
function isTransientConflict(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === '40001' || code === '40P01' || code === 'SQLITE_BUSY';
}

function instantMs(now: Instant): number {
  return now instanceof Date ? now.getTime() : now.toMillis();
}

function toPermit(row: PermitRow): Permit {
  return {
    reference: row.reference,
    propertyId: row.property_id,
    registration: row.registration,
    registrationDisplay: displayRegistration(row.registration),
    vehicleType: row.vehicle_type,
    ...(row.trailer_length_cm !== null && { trailerLengthMetres: row.trailer_length_cm / 100 }),
    siteId: row.site_id,
    date: row.visit_date,
    window: row.time_window,
    status: row.status === 'cancelled' ? 'cancelled' : 'booked',
    channel: row.channel,
    createdAt: new Date(row.created_at),
  };
}
