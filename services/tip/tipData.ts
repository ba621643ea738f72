/**
 * The tip data files in data/<council>/tip/ (policy, sites, closures, materials), their
 * schemas and the checks across files (a site refusing an unknown material, a van window
 * outside opening hours, seasons that leave a day of the year uncovered), so a mistake stops
 * start-up with the file and record named. Bank holidays are the bin service's list, loaded
 * once from GOV.UK's file and passed in.
 */
import { IANAZone } from 'luxon';
import { join } from 'node:path';
import { z } from 'zod';
import type { BankHoliday } from '../bins/binData.js';
import { DataFileError, displayPath, loadJsonFile } from '../data/loadDataFile.js';
import { documentedObject, isoDate, timeOfDay, weekday } from '../data/schemas.js';

const text = z.string().trim().min(1, { error: 'is required' });
const id = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, { error: 'is not an id (lower-case letters, digits and -)' });
const monthDay = z.string().refine((s) => /^\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`2024-${s}T00:00:00Z`)), {
  error: 'is not a month and day like 04-01 (mm-dd)',
});
const synonyms = z.array(text).min(1, { error: 'must list at least one word residents use' });

/** The words each refusal message may fill in; a misspelt placeholder is reported at load. */
export const MESSAGE_PLACEHOLDERS = {
  not_resident: [],
  trade_waste: [],
  trailer_too_long: ['maxLength'],
  trailer_length_needed: ['maxLength'],
  invalid_registration: ['registration'],
  invalid_phone: ['phone'],
  in_past: ['date'],
  too_far_ahead: ['bookAheadDays', 'lastDate'],
  site_closed: ['site', 'date', 'reason', 'nextOpen'],
  window_passed: ['window', 'date'],
  unknown_window: ['site', 'windows'],
  unknown_site: ['sites'],
  slot_full: ['window', 'site', 'date'],
  allowance_used: ['allowed', 'periodMonths', 'renewsOn'],
  not_found: [],
  already_cancelled: ['reference'],
  too_late_to_change: ['reference', 'date', 'window'],
} as const satisfies Record<string, readonly string[]>;
export type MessageKey = keyof typeof MESSAGE_PLACEHOLDERS;

function template(allowed: readonly string[]) {
  return text.superRefine((value, ctx) => {
    const unknown = [...value.matchAll(/\{(\w+)\}/g)]
      .map((m) => m[1])
      .filter((name) => !allowed.includes(name as string));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: 'custom',
        input: value,
        message: `uses ${unknown.map((u) => `{${u}}`).join(', ')}; this message can use ${allowed.length ? allowed.map((a) => `{${a}}`).join(', ') : 'no placeholders'}`,
      });
    }
  });
}

const messagesShape = Object.fromEntries(
  Object.entries(MESSAGE_PLACEHOLDERS).map(([key, allowed]) => [key, template(allowed)]),
) as { [K in MessageKey]: ReturnType<typeof template> };

const vehicle = documentedObject({
  id,
  name: text,
  synonyms,
  decision: z.enum(['permit', 'no_permit_needed', 'refused', 'trade_waste'], {
    error: 'must be permit, no_permit_needed, refused or trade_waste',
  }),
  trailer: z.boolean().optional(),
  message: text.optional(),
}).refine((v) => v.decision === 'permit' || v.decision === 'trade_waste' || v.message !== undefined, {
  error: 'a vehicle that is refused or needs no permit must have a message saying why and what to do instead',
});

export const policyFileSchema = documentedObject({
  timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), { error: 'is not a time zone like Europe/London' }),
  allowance: documentedObject({
    visitsPerHousehold: z.number().int().min(1).max(365),
    periodMonths: z.number().int().min(1).max(24),
  }),
  booking: documentedObject({
    bookAheadDays: z.number().int().min(0).max(365),
    latestMinutesBeforeWindowEnds: z
      .number()
      .int()
      .min(0)
      .max(24 * 60),
  }),
  trailer: documentedObject({ maxLengthMetres: z.number().positive().max(10), description: text }),
  vehicles: z.array(vehicle).min(1),
  messages: documentedObject(messagesShape),
});
export type TipPolicy = z.infer<typeof policyFileSchema>;
export type VehicleRule = TipPolicy['vehicles'][number];

const season = documentedObject({
  name: text,
  from: monthDay,
  to: monthDay,
  opens: timeOfDay,
  closes: timeOfDay,
}).refine((s) => s.opens < s.closes, { error: 'opens must be before closes' });
const vanWindow = documentedObject({
  id,
  label: text,
  from: timeOfDay,
  to: timeOfDay,
  places: z.number().int().min(0).max(1000),
}).refine((w) => w.from < w.to, { error: 'from must be before to' });

export const sitesFileSchema = documentedObject({
  closedReasons: documentedObject({ weekday: template(['weekday']), bankHoliday: template(['holiday']) }),
  sites: z
    .array(
      documentedObject({
        id,
        name: text,
        shortName: text,
        synonyms: z.array(text),
        address: text,
        directions: text,
        seasons: z.array(season).min(1),
        closedWeekdays: z.array(weekday),
        bankHolidays: z.enum(['open', 'closed'], { error: 'must be "open" or "closed"' }),
        vanWindows: z.array(vanWindow).min(1),
        notAccepted: z.array(id),
      }),
    )
    .min(1),
});
export type SiteRecord = z.infer<typeof sitesFileSchema>['sites'][number];
export type VanWindowRecord = SiteRecord['vanWindows'][number];

export const closuresFileSchema = documentedObject({
  annual: z.array(documentedObject({ monthDay, reason: text })),
  oneOff: z.array(documentedObject({ date: isoDate, sites: z.array(id).min(1).optional(), reason: text })),
});
export type Closures = z.infer<typeof closuresFileSchema>;

export const materialsFileSchema = documentedObject({
  materials: z.array(
    documentedObject({
      id,
      name: text,
      synonyms,
      accepted: z.boolean(),
      limit: text.optional(),
      rule: text.optional(),
      alternative: text.optional(),
    }).refine((m) => m.accepted || m.alternative !== undefined, {
      error: 'a refused material must say what to do instead (alternative)',
    }),
  ),
});
export type MaterialRecord = z.infer<typeof materialsFileSchema>['materials'][number];

export interface TipData {
  policy: TipPolicy;
  sites: SiteRecord[];
  closedReasons: z.infer<typeof sitesFileSchema>['closedReasons'];
  closures: Closures;
  materials: MaterialRecord[];
  bankHolidays: BankHoliday[];
}

export const TIP_FILES = {
  policy: 'policy.json',
  sites: 'sites.json',
  closures: 'closures.json',
  materials: 'materials.json',
} as const;

/** Loads and cross-checks data/<council>/tip/*.json; `bankHolidays` is BinData's list. */
export function loadTipData(tipDir: string, bankHolidays: BankHoliday[]): TipData {
  const path = (name: keyof typeof TIP_FILES) => join(tipDir, TIP_FILES[name]);
  const policy = loadJsonFile(path('policy'), policyFileSchema);
  const { sites, closedReasons } = loadJsonFile(path('sites'), sitesFileSchema);
  const closures = loadJsonFile(path('closures'), closuresFileSchema, (r) => labelOf(r, ['date', 'monthDay']));
  const { materials } = loadJsonFile(path('materials'), materialsFileSchema);

  fail(path('policy'), [
    ...duplicates(
      policy.vehicles.map((v) => v.id),
      'vehicles',
      'vehicle id',
    ),
    ...policy.vehicles.flatMap((v, i) =>
      v.trailer && v.decision !== 'permit'
        ? [`vehicles[${i}] (id ${v.id}): trailer: only a vehicle with decision "permit" can be a trailer`]
        : [],
    ),
  ]);

  const materialIds = new Set(materials.map((m) => m.id));
  fail(
    path('materials'),
    duplicates(
      materials.map((m) => m.id),
      'materials',
      'material id',
    ),
  );

  const siteIds = new Set(sites.map((s) => s.id));
  const siteProblems = duplicates(
    sites.map((s) => s.id),
    'sites',
    'site id',
  );
  sites.forEach((site, i) => {
    const where = `sites[${i}] (id ${site.id})`;
    siteProblems.push(
      ...duplicates(
        site.vanWindows.map((w) => w.id),
        `${where}: vanWindows`,
        'window id',
      ),
    );
    for (const m of site.notAccepted)
      if (!materialIds.has(m))
        siteProblems.push(`${where}: notAccepted: "${m}" is not a material in ${TIP_FILES.materials}`);
    siteProblems.push(...seasonCoverage(site).map((p) => `${where}: seasons: ${p}`));
    // A window must fit the opening hours in every season, or a permit could be for a closed tip.
    for (const w of site.vanWindows) {
      for (const s of site.seasons) {
        if (w.from < s.opens || w.to > s.closes) {
          siteProblems.push(
            `${where}: vanWindows (id ${w.id}): ${w.from}-${w.to} is outside the ${s.name} opening hours ${s.opens}-${s.closes}`,
          );
        }
      }
    }
  });
  fail(path('sites'), siteProblems);

  const closureProblems: string[] = [];
  closures.oneOff.forEach((c, i) => {
    for (const s of c.sites ?? [])
      if (!siteIds.has(s))
        closureProblems.push(`oneOff[${i}] (date ${c.date}): sites: "${s}" is not a site in ${TIP_FILES.sites}`);
  });
  fail(path('closures'), closureProblems);

  return { policy, sites, closedReasons, closures, materials, bankHolidays };
}

/** Each day of a leap year must fall in exactly one season. */
function seasonCoverage(site: SiteRecord): string[] {
  const problems: string[] = [];
  for (let day = 0; day < 366; day++) {
    const md = new Date(Date.UTC(2024, 0, 1 + day)).toISOString().slice(5, 10);
    const matching = site.seasons.filter((s) => inMonthDayRange(md, s.from, s.to));
    if (matching.length !== 1) {
      problems.push(
        matching.length === 0
          ? `no season covers ${md}`
          : `${md} is in more than one season (${matching.map((s) => s.name).join(', ')})`,
      );
      if (problems.length >= 3) break;
    }
  }
  return problems;
}

/** mm-dd within a range that may wrap round the new year ("10-01" to "03-31"). */
export function inMonthDayRange(md: string, from: string, to: string): boolean {
  return from <= to ? md >= from && md <= to : md >= from || md <= to;
}

function duplicates(ids: string[], array: string, what: string): string[] {
  return ids.flatMap((value, i) =>
    ids.indexOf(value) < i ? [`${array}[${i}] (id ${value}): this ${what} is used twice`] : [],
  );
}

function fail(file: string, problems: string[]): void {
  if (problems.length > 0) throw new DataFileError(displayPath(file), problems);
}

function labelOf(record: unknown, keys: string[]): string | undefined {
  if (record === null || typeof record !== 'object') return undefined;
  for (const key of keys) {
    const value = (record as Record<string, unknown>)[key];
    if (typeof value === 'string') return `${key} ${value}`;
  }
  return undefined;
}
