/**
 * The shapes intents/ hands to the rest of the assistant: the intent taxonomy (names exact, as
 * a fixed contract other tools rely on) and the entities pulled out of a message, each with the span as typed.
 */

export const INTENT_NAMES = [
  'bins.next_collection',
  'bins.missed',
  'tip.book_permit',
  'tip.manage_permit',
  'tip.site_info',
  'counciltax.band',
  'counciltax.pay',
  'counciltax.discount',
  'counciltax.moving',
  'counciltax.account',
  'counciltax.support',
  'agent.request',
  'smalltalk.greeting',
  'smalltalk.thanks',
  'smalltalk.goodbye',
  'help',
  'None',
] as const;

export type IntentName = (typeof INTENT_NAMES)[number];

/** Where an entity was found: `text` is the span exactly as typed, `end` is exclusive. */
interface Span {
  text: string;
  start: number;
  end: number;
}

export interface PostcodeEntity extends Span {
  type: 'postcode';
  /** "DF1 1AA" */
  value: string;
  outward: string;
  inward: string;
}

export interface HouseNumberEntity extends Span {
  type: 'houseNumber';
  /** "14", "14a", "Rose Cottage" */
  value: string;
}

export interface RegistrationEntity extends Span {
  type: 'registration';
  /** "AB12CDE": upper case, no spaces */
  value: string;
  /** "AB12 CDE" */
  display: string;
}

export type DayPart = 'morning' | 'afternoon' | 'evening';

export interface DateEntity extends Span {
  type: 'date';
  /** yyyy-mm-dd in Europe/London */
  value: string;
  dayPart?: DayPart;
  /** For a period ("over christmas"): its last day, yyyy-mm-dd; `value` is its first. */
  until?: string;
  /** The day or period as the resident would name it: "Boxing Day", "Christmas". */
  named?: string;
}

export interface YesNoEntity extends Span {
  type: 'yesNo';
  value: boolean;
}

export interface ReferenceEntity extends Span {
  type: 'permitRef' | 'missedBinRef' | 'caseRef';
  /** "TP-123456" */
  value: string;
}

export interface AccountNumberEntity extends Span {
  type: 'accountNumber';
  /** 8 digits */
  value: string;
}

export interface PhoneEntity extends Span {
  type: 'phone';
  /** E.164, e.g. "+447700900123" */
  value: string;
}

export type Entity =
  | PostcodeEntity
  | HouseNumberEntity
  | RegistrationEntity
  | DateEntity
  | YesNoEntity
  | ReferenceEntity
  | AccountNumberEntity
  | PhoneEntity;

export type EntityType = Entity['type'];

export interface IntentScore {
  intent: IntentName;
  score: number;
}

export interface Recognition {
  text: string;
  intent: IntentName;
  score: number;
  /** The top few intents by model score, best first (before the None decision). */
  intents: IntentScore[];
  entities: Entity[];
}
