/**
 * The JSON the back-office API speaks (docs/back-office-api.yaml), as zod schemas: every answer
 * from a council's system is checked against these before a service uses it. Dates are
 * "yyyy-mm-dd", instants ISO 8601, money whole pence.
 */
import { z } from 'zod';
import { ACCOUNT_STATUSES } from '../../councilTax/accountLookup.js';
import { COUNCIL_TAX_BANDS } from '../../councilTax/councilTaxRecords.js';
import { CASE_PRIORITIES } from '../../cases/cases.js';

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'is not a date like 2026-12-02' });
const instant = z.iso.datetime({ offset: true }).transform((s) => new Date(s));
const pence = z.number().int();
const optional = <T extends z.ZodType>(schema: T) => schema.nullish().transform((v) => v ?? undefined);

// --- addresses ---
export const property = z.object({
  id: z.string().min(1),
  flat: optional(z.string()),
  houseNumber: optional(z.string()),
  houseName: optional(z.string()),
  street: z.string(),
  locality: optional(z.string()),
  town: z.string(),
  postcode: z.string(),
  label: z.string(),
  shortLabel: z.string(),
});
export const propertyList = z.object({ properties: z.array(property) });
export const coverage = z.object({ covered: z.boolean() });

// --- bins ---
const moveReason = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('bank_holiday'), holiday: z.string(), holidayDate: isoDate }),
  z.object({ kind: z.literal('one_off'), reason: z.string() }),
]);
export const scheduledCollection = z.object({
  stream: z.string(),
  date: isoDate,
  originalDate: optional(isoDate),
  reason: optional(moveReason),
});
const streamInfo = { id: z.string(), name: z.string(), container: z.string(), requiresSubscription: z.boolean() };
export const propertyStreams = z.object({ streams: z.array(z.object({ ...streamInfo, collected: z.boolean() })) });
export const nextCollections = z.object({
  collections: z.array(
    scheduledCollection.extend({
      name: z.string(),
      container: z.string(),
      requiresSubscription: z.boolean(),
      isToday: z.boolean(),
    }),
  ),
});
export const scheduledCollections = z.object({ collections: z.array(scheduledCollection) });
export const lastCollection = z.object({ collection: scheduledCollection.nullable() });
export const wasDue = z.object({ due: z.boolean() });
export const missedReceipt = z.object({
  reference: z.string().regex(/^MB-\d{6}$/),
  created: z.boolean(),
  returnBy: isoDate,
});
export const missedReport = z.object({
  report: z
    .object({
      reference: z.string().regex(/^MB-\d{6}$/),
      propertyId: z.string(),
      stream: z.string(),
      collectionDate: isoDate,
      returnBy: isoDate,
      channel: z.string(),
      status: z.string(),
      createdAt: instant,
    })
    .nullable(),
});

// --- council tax ---
const band = z.enum(COUNCIL_TAX_BANDS);
export const propertyBand = z.object({
  propertyId: z.string(),
  address: z.string(),
  band,
  annualCharge: pence,
  year: z.string(),
});
export const chargeTable = z.object({
  year: z.string(),
  bands: z.array(z.object({ band, annualCharge: pence, year: z.string(), valuedAt1991: z.string() })),
});
const accountDetails = z.object({
  accountNumber: z.string().regex(/^\d{8}$/),
  propertyId: z.string(),
  address: z.string(),
  name: z.string(),
  balance: pence,
  nextInstalment: z.object({ date: isoDate, amount: pence }).nullable(),
  instalments: z.number().int().min(1).max(12),
  status: z.enum(ACCOUNT_STATUSES),
  year: z.string(),
});
export const accountAnswer = z.object({ account: accountDetails.nullable() });

// --- cases ---
export const caseRecord = z.object({
  reference: z.string().regex(/^HC-\d{6}$/),
  kind: z.string(),
  topic: z.string(),
  priority: z.enum(CASE_PRIORITIES),
  channel: z.string(),
  conversationId: z.string(),
  propertyId: optional(z.string()),
  accountNumber: optional(z.string()),
  verified: z.boolean(),
  details: z.record(z.string(), z.unknown()),
  contact: optional(z.string()),
  status: z.enum(['open', 'closed']),
  createdAt: instant,
  updatedAt: instant,
  claimedBy: optional(z.string()),
  claimedAt: optional(instant),
  outcome: optional(z.string()),
});
export const caseOpened = z.object({ reference: z.string().regex(/^HC-\d{6}$/) });
export const caseList = z.object({ cases: z.array(caseRecord) });
export const claimResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true) }),
  z.object({ ok: z.literal(false), reason: z.enum(['missing', 'closed', 'claimed']) }),
]);
export const closeResult = z.object({ closed: z.boolean() });

// --- tip permits ---
export const permit = z.object({
  reference: z.string().regex(/^TP-\d{6}$/),
  propertyId: z.string(),
  registration: z.string(),
  registrationDisplay: z.string(),
  vehicleType: z.string(),
  trailerLengthMetres: optional(z.number()),
  siteId: z.string(),
  date: isoDate,
  window: z.string(),
  status: z.enum(['booked', 'cancelled']),
  channel: z.string(),
  createdAt: instant,
});
export const slot = z.object({
  siteId: z.string(),
  date: isoDate,
  window: z.string(),
  label: z.string(),
  from: z.string(),
  to: z.string(),
  placesLeft: z.number().int(),
});
export const slotList = z.object({ slots: z.array(slot) });
export const visitsUsed = z.object({ used: z.number().int(), allowed: z.number().int(), renewsOn: isoDate.nullable() });
export const permitList = z.object({ permits: z.array(permit) });
export const permitFound = z.object({ permit: permit.nullable() });
export const REFUSAL_REASONS = [
  'not_resident',
  'not_eligible',
  'no_permit_needed',
  'trailer_too_long',
  'trailer_length_needed',
  'trade_waste',
  'invalid_registration',
  'invalid_phone',
  'unknown_site',
  'unknown_window',
  'in_past',
  'too_far_ahead',
  'site_closed',
  'window_passed',
  'slot_full',
  'allowance_used',
  'not_found',
  'already_cancelled',
  'too_late_to_change',
] as const;
/** A refusal carries its reason and the values for the council's words, never the words. */
export const refusal = z.object({
  ok: z.literal(false),
  reason: z.enum(REFUSAL_REASONS),
  values: z.record(z.string(), z.union([z.string(), z.number()])).default({}),
  details: z
    .object({
      allowance: optional(visitsUsed),
      alternatives: optional(z.array(slot)),
      closedReason: optional(z.string()),
      vehicle: optional(z.object({ id: z.string(), name: z.string() })),
      maxTrailerLengthMetres: optional(z.number()),
      lastDate: optional(isoDate),
    })
    .prefault({}),
});
export const issueResult = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), permit, created: z.boolean() }),
  refusal,
]);
export const manageResult = z.discriminatedUnion('ok', [z.object({ ok: z.literal(true), permit }), refusal]);
