/**
 * The council tax data files in data/<council>/counciltax/: this year's charges, how to pay,
 * the verification settings, the answers, the actions (cases and handoffs) and the demo
 * accounts. Each is validated at load, with checks across files (an account on a property the
 * gazetteer does not hold, an answer offering an action that does not exist, an SMS answer
 * longer than two texts once filled in) so a mistake stops start-up with the file and record named.
 */
import { IANAZone } from 'luxon';
import { join } from 'node:path';
import { z } from 'zod';
import type { Gazetteer } from '../addresses/gazetteer.js';
import { ACCOUNT_STATUSES, type AccountStatus } from './accountLookup.js';
import { COUNCIL_TAX_BANDS, type CouncilTaxBand } from './councilTaxRecords.js';
import { DataFileError, displayPath, loadCsvFile, loadJsonFile } from '../data/loadDataFile.js';
import { documentedObject, isoDate, optionalText } from '../data/schemas.js';
import { CONTENT_KINDS, type ContentKind } from '../channels/channels.js';
import { INTENT_NAMES, type IntentName } from '../../intents/types.js';
import { poundsText, type Pence } from './money.js';
import { PLACEHOLDERS, fill, isPlaceholder, placeholdersIn, smsProblem, type TemplateValues } from './templates.js';

const text = z.string().trim().min(1, { error: 'is required' });
const id = z
  .string()
  .regex(/^[a-z][A-Za-z0-9_]*$/, { error: 'is not an id (letters, digits and _, starting with a small letter)' });
const url = z.url({ protocol: /^https$/, error: 'is not a web address starting https://' });
const councilTaxIntent = z.enum(
  INTENT_NAMES.filter((n) => n.startsWith('counciltax.')) as [IntentName, ...IntentName[]],
  {
    error: `is not a council tax intent (${INTENT_NAMES.filter((n) => n.startsWith('counciltax.')).join(', ')})`,
  },
);

/** Each band's fraction of band D, fixed by the Local Government Finance Act 1992. */
export const BAND_NINTHS: Record<CouncilTaxBand, number> = { A: 6, B: 7, C: 8, D: 9, E: 11, F: 13, G: 15, H: 18 };

export const chargesFileSchema = documentedObject({
  year: z.string().regex(/^\d{4}\/\d{2}$/, { error: 'is not a financial year like 2026/27' }),
  yearStarts: isoDate,
  yearEnds: isoDate,
  bands: z.array(
    documentedObject({
      band: z.enum(COUNCIL_TAX_BANDS, { error: 'is not a band (A to H)' }),
      annualCharge: poundsText,
      valuedAt1991: text,
    }),
  ),
});

export const paymentsFileSchema = documentedObject({
  instalmentPlans: z
    .array(
      documentedObject({
        instalments: z.number().int().min(1).max(12),
        firstMonth: text,
        lastMonth: text,
        default: z.boolean(),
      }),
    )
    .min(1),
  paymentDays: z.array(z.number().int().min(1).max(28, { error: 'must be 28 or less, so every month has it' })).min(1),
  methods: z.array(documentedObject({ id, name: text })).min(1),
});

export const settingsFileSchema = documentedObject({
  timeZone: z.string().refine((zone) => IANAZone.isValidZone(zone), { error: 'is not a time zone like Europe/London' }),
  verification: documentedObject({
    maxFailedAttempts: z.number().int().min(1).max(10),
    // Failures on one account number (per channel, from anyone) and from one client address
    // before they lock too: higher than a conversation's own limit, so one person cannot lock a
    // resident out, while many guesses at one account or from one address are still stopped.
    maxFailedPerAccount: z.number().int().min(1).max(100).default(10),
    maxFailedPerClient: z.number().int().min(1).max(100).default(10),
    lockMinutes: z
      .number()
      .int()
      .min(1)
      .max(24 * 60),
    grantMinutes: documentedObject({ sms: z.number().int().min(1).max(60), web: z.number().int().min(1).max(240) }),
  }),
});
export type VerificationSettings = z.infer<typeof settingsFileSchema>['verification'];

/** A record keyed by names the digital team choose, where "_" keys are notes. */
function notesDropped<S extends z.ZodType>(schema: S) {
  return z.preprocess(
    (v) =>
      v && typeof v === 'object' && !Array.isArray(v)
        ? Object.fromEntries(Object.entries(v).filter(([k]) => !k.startsWith('_')))
        : v,
    schema,
  );
}

/** One text per kind of channel (`web`, `sms`). */
const channelText = Object.fromEntries(CONTENT_KINDS.map((kind) => [kind, text])) as Record<ContentKind, typeof text>;

export const answersFileSchema = documentedObject({
  topics: z
    .array(
      documentedObject({
        id,
        intent: councilTaxIntent,
        label: text.max(40, { error: 'must be 40 characters or fewer (it is a button)' }),
        keywords: z.array(text),
        ...channelText,
        moreUrl: url,
        offers: id.optional(),
      }),
    )
    .min(1),
  messages: notesDropped(z.record(z.string(), documentedObject(channelText))),
});
export type TopicData = z.infer<typeof answersFileSchema>['topics'][number];
/** A text for every kind of channel (`web`, `sms`). */
export type ChannelMessage = Record<ContentKind, string>;

export const PRIORITIES = ['urgent', 'high', 'normal'] as const;
export type Priority = (typeof PRIORITIES)[number];

const fieldSchema = documentedObject({
  type: z.enum(['text', 'date', 'contact', 'address', 'property', 'choice']),
  /** What the field is called when the answers are read back ("Moving date"). */
  label: text.max(40).optional(),
  options: z.union([z.array(text).min(2), z.literal('paymentDays')]).optional(),
  ...channelText,
});

const actionSchema = documentedObject({
  id,
  label: text.max(40, { error: 'must be 40 characters or fewer (it is a button)' }),
  kind: z.enum(['case', 'handoff'], { error: 'must be "case" or "handoff"' }),
  priority: z.enum(PRIORITIES, { error: `must be one of ${PRIORITIES.join(', ')}` }),
  collect: z.array(text).min(1).optional(),
  respondWithinWorkingDays: z.number().int().min(1).max(30).optional(),
  confirm: text.optional(),
  requiresVerification: z.boolean().default(false),
}).refine((a) => a.kind === 'handoff' || (a.collect && a.respondWithinWorkingDays && a.confirm), {
  error: 'a "case" action needs collect, respondWithinWorkingDays and confirm',
});

export const actionsFileSchema = documentedObject({
  actions: z.array(actionSchema),
  fields: notesDropped(z.record(z.string(), fieldSchema)),
  accountStatuses: notesDropped(
    z.record(z.enum(ACCOUNT_STATUSES), documentedObject({ message: text, offers: id.optional() })),
  ),
});

export type ActionData = z.infer<typeof actionsFileSchema>['actions'][number];
export type FieldData = z.infer<typeof fieldSchema>;

const accountRowSchema = z.object({
  account_number: z
    .string()
    .trim()
    .regex(/^\d{8}$/, { error: 'is not an 8-digit account number' }),
  property_id: text,
  name: text,
  balance: poundsText,
  next_instalment_date: optionalText.pipe(isoDate.optional()),
  next_instalment_amount: optionalText.pipe(poundsText.optional()),
  instalments: z.coerce.number().int().min(1).max(12),
  payment_method: text,
  status: z.enum(ACCOUNT_STATUSES, { error: `is not a status (${ACCOUNT_STATUSES.join(', ')})` }),
});

export interface AccountRecord {
  accountNumber: string;
  propertyId: string;
  /** Normalised, from the gazetteer: the property's postcode is what the resident must give. */
  postcode: string;
  address: string;
  name: string;
  balance: Pence;
  nextInstalment: { date: string; amount: Pence } | null;
  instalments: number;
  paymentMethod: string;
  status: AccountStatus;
}

export interface CouncilInfo {
  phone: string;
  contactHours: string;
  shortName: string;
}

export interface CouncilTaxData {
  year: string;
  yearStarts: string;
  yearEnds: string;
  charges: Map<CouncilTaxBand, { annualCharge: Pence; valuedAt1991: string }>;
  payments: z.infer<typeof paymentsFileSchema>;
  verification: VerificationSettings;
  timeZone: string;
  topics: TopicData[];
  messages: Record<string, ChannelMessage>;
  actions: Map<string, ActionData>;
  fields: Record<string, FieldData>;
  accountStatuses: Record<AccountStatus, { message: string; offers?: string | undefined }>;
  accounts: Map<string, AccountRecord>;
  /** Values every answer may use: the year, each band's charge, payment days, council phone. */
  globals: TemplateValues;
  files: Record<'charges' | 'payments' | 'settings' | 'answers' | 'actions' | 'accounts', string>;
}

const councilFileSchema = z.object({
  council: z.object({ phone: text, contactHours: text, shortName: text }),
});

export function ordinal(day: number): string {
  const suffix =
    day % 10 === 1 && day !== 11
      ? 'st'
      : day % 10 === 2 && day !== 12
        ? 'nd'
        : day % 10 === 3 && day !== 13
          ? 'rd'
          : 'th';
  return `${day}${suffix}`;
}

function listWithOr(items: string[]): string {
  return items.length <= 1 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

export function loadCouncilTaxData(dataDir: string, gazetteer: Gazetteer): CouncilTaxData {
  const dir = join(dataDir, 'counciltax');
  const path = {
    charges: join(dir, 'charges.json'),
    payments: join(dir, 'payments.json'),
    settings: join(dir, 'settings.json'),
    answers: join(dir, 'answers.json'),
    actions: join(dir, 'actions.json'),
    accounts: join(dir, 'accounts.csv'),
  };
  const files = Object.fromEntries(
    Object.entries(path).map(([k, p]) => [k, displayPath(p)]),
  ) as CouncilTaxData['files'];

  const council = loadJsonFile(join(dataDir, 'messages.json'), councilFileSchema).council;
  const chargesFile = loadJsonFile(path.charges, chargesFileSchema, (r) => labelOf(r, 'band'));
  const payments = loadJsonFile(path.payments, paymentsFileSchema);
  const settings = loadJsonFile(path.settings, settingsFileSchema);
  const answers = loadJsonFile(path.answers, answersFileSchema);
  const actionsFile = loadJsonFile(path.actions, actionsFileSchema);

  const charges = checkCharges(chargesFile, files.charges);
  const globals: TemplateValues = {
    year: chargesFile.year,
    paymentDays: listWithOr(payments.paymentDays.map(ordinal)),
    phone: council.phone,
    contactHours: council.contactHours,
    shortName: council.shortName,
  };
  for (const [band, { annualCharge }] of charges) globals[band] = formatCharge(annualCharge);

  const actions = new Map(actionsFile.actions.map((a) => [a.id, a]));
  checkActions(actionsFile, answers.messages, globals, files.actions);
  checkAnswers(answers, actions, globals, gazetteer, files.answers);
  const accounts = loadAccounts(path.accounts, gazetteer);

  return {
    year: chargesFile.year,
    yearStarts: chargesFile.yearStarts,
    yearEnds: chargesFile.yearEnds,
    charges,
    payments,
    verification: settings.verification,
    timeZone: settings.timeZone,
    topics: answers.topics,
    messages: answers.messages,
    actions,
    fields: actionsFile.fields,
    accountStatuses: actionsFile.accountStatuses,
    accounts,
    globals,
    files,
  };
}

function labelOf(record: unknown, key: string): string | undefined {
  const value = record && typeof record === 'object' ? (record as Record<string, unknown>)[key] : undefined;
  return typeof value === 'string' ? `${key} ${value}` : undefined;
}

function formatCharge(pence: Pence): string {
  return new Intl.NumberFormat('en-GB', { style: 'currency', currency: 'GBP' }).format(pence / 100);
}

function checkCharges(file: z.infer<typeof chargesFileSchema>, name: string): CouncilTaxData['charges'] {
  const problems: string[] = [];
  const charges: CouncilTaxData['charges'] = new Map();
  file.bands.forEach((b, i) => {
    if (charges.has(b.band)) problems.push(`bands[${i}] (band ${b.band}): band ${b.band} is listed twice`);
    charges.set(b.band, { annualCharge: b.annualCharge, valuedAt1991: b.valuedAt1991 });
  });
  const missing = COUNCIL_TAX_BANDS.filter((b) => !charges.has(b));
  if (missing.length > 0) problems.push(`: bands: has no charge for band ${missing.join(', ')}`);
  const d = charges.get('D')?.annualCharge;
  if (d !== undefined) {
    file.bands.forEach((b, i) => {
      const expected = Math.round((d * BAND_NINTHS[b.band]) / 9);
      if (Math.abs(b.annualCharge - expected) > 1) {
        problems.push(
          `bands[${i}] (band ${b.band}): annualCharge: ${formatCharge(b.annualCharge)} is not ${BAND_NINTHS[b.band]}/9 of band D (${formatCharge(expected)})`,
        );
      }
    });
  }
  if (file.yearStarts >= file.yearEnds) problems.push(': yearEnds must be after yearStarts');
  if (problems.length > 0) throw new DataFileError(name, problems);
  return charges;
}

/** Problems with one SMS template: unknown placeholders, and its length with the longest values. */
function templateProblems(
  where: string,
  template: ChannelMessage,
  globals: TemplateValues,
  address?: string,
): string[] {
  const problems: string[] = [];
  for (const channel of CONTENT_KINDS) {
    const textValue = template[channel];
    const unknown = placeholdersIn(textValue).filter((p) => !isPlaceholder(p));
    if (unknown.length > 0)
      problems.push(`${where}: ${channel}: {${unknown.join('}, {')}} is not something the assistant can fill in`);
  }
  const worst = fill(template.sms, { ...PLACEHOLDERS, ...globals, ...(address ? { address } : {}) });
  const problem = smsProblem(worst);
  if (problem) problems.push(`${where}: sms ${problem}`);
  return problems;
}

function checkActions(
  file: z.infer<typeof actionsFileSchema>,
  messages: Record<string, ChannelMessage>,
  globals: TemplateValues,
  name: string,
): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  file.actions.forEach((action, i) => {
    const where = `actions[${i}] (id ${action.id})`;
    if (seen.has(action.id)) problems.push(`${where}: id is used twice`);
    seen.add(action.id);
    if (action.kind !== 'case') return;
    for (const field of action.collect ?? [])
      if (!file.fields[field]) problems.push(`${where}: collect: "${field}" is not one of the fields`);
    if (action.confirm && !messages[action.confirm])
      problems.push(`${where}: confirm: "${action.confirm}" is not a message in answers.json`);
  });
  for (const [fieldId, field] of Object.entries(file.fields)) {
    const where = `fields.${fieldId}`;
    if ((field.type === 'choice') !== (field.options !== undefined))
      problems.push(`${where}: options are needed for a choice field, and only for one`);
    problems.push(...templateProblems(where, field, globals));
  }
  for (const [status, rule] of Object.entries(file.accountStatuses)) {
    if (!messages[rule.message])
      problems.push(`accountStatuses.${status}: message: "${rule.message}" is not a message in answers.json`);
    if (rule.offers && !seen.has(rule.offers))
      problems.push(`accountStatuses.${status}: offers: "${rule.offers}" is not an action`);
  }
  if (problems.length > 0) throw new DataFileError(name, problems);
}

function checkAnswers(
  file: z.infer<typeof answersFileSchema>,
  actions: Map<string, ActionData>,
  globals: TemplateValues,
  gazetteer: Gazetteer,
  name: string,
): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  // The band answer names the property: the longest address must still fit two texts.
  const longestAddress = gazetteer.entries.reduce(
    (a, e) => (e.property.label.length > a.length ? e.property.label : a),
    '',
  );
  file.topics.forEach((topic, i) => {
    const where = `topics[${i}] (id ${topic.id})`;
    if (seen.has(topic.id)) problems.push(`${where}: id is used twice`);
    seen.add(topic.id);
    if (!topic.sms.includes(topic.moreUrl))
      problems.push(`${where}: sms must include the moreUrl link (${topic.moreUrl})`);
    if (topic.offers && !actions.has(topic.offers))
      problems.push(`${where}: offers: "${topic.offers}" is not an action in actions.json`);
    problems.push(
      ...templateProblems(where, topic, { ...globals, moreUrl: topic.moreUrl }, longestAddress || undefined),
    );
  });
  for (const [messageId, message] of Object.entries(file.messages))
    problems.push(...templateProblems(`messages.${messageId}`, message, globals));
  if (problems.length > 0) throw new DataFileError(name, problems);
}

function loadAccounts(path: string, gazetteer: Gazetteer): Map<string, AccountRecord> {
  const name = displayPath(path);
  const rows = loadCsvFile(path, accountRowSchema, (r) =>
    labelOf(r, 'account_number')?.replace('account_number', 'account'),
  );
  const problems: string[] = [];
  const accounts = new Map<string, AccountRecord>();
  const properties = new Map<string, number>();
  for (const { row, value } of rows) {
    const where = `row ${row} (account ${value.account_number})`;
    const entry = gazetteer.get(value.property_id);
    if (!entry) problems.push(`${where}: property_id: "${value.property_id}" is not a property in the gazetteer`);
    if (accounts.has(value.account_number)) problems.push(`${where}: account_number is used twice`);
    const other = properties.get(value.property_id);
    if (other !== undefined)
      problems.push(`${where}: property ${value.property_id} already has an account on row ${other}`);
    properties.set(value.property_id, row);
    const hasDate = value.next_instalment_date !== undefined;
    if (hasDate !== (value.next_instalment_amount !== undefined))
      problems.push(`${where}: next_instalment_date and next_instalment_amount go together`);
    if (value.status === 'paid_in_full' && value.balance !== 0)
      problems.push(`${where}: balance must be 0.00 when the status is paid_in_full`);
    if (value.status === 'in_credit' && value.balance >= 0)
      problems.push(`${where}: balance must be below 0 (money owed to the resident) when the status is in_credit`);
    if (!entry) continue;
    accounts.set(value.account_number, {
      accountNumber: value.account_number,
      propertyId: value.property_id,
      postcode: entry.property.postcode,
      address: entry.property.label,
      name: value.name,
      balance: value.balance,
      nextInstalment:
        value.next_instalment_date !== undefined && value.next_instalment_amount !== undefined
          ? { date: value.next_instalment_date, amount: value.next_instalment_amount }
          : null,
      instalments: value.instalments,
      paymentMethod: value.payment_method,
      status: value.status,
    });
  }
  if (problems.length > 0) throw new DataFileError(name, problems);
  return accounts;
}
