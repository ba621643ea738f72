/**
 * What the resident already told the assistant in this conversation, offered again instead of
 * asked afresh: the address (any job), the vehicle and registration (tip permits). It lives in
 * the conversation's state, so on SMS, where one number is one conversation, a returning
 * resident is offered their last address too, but only for REMEMBER_HOURS after they last
 * gave or used it: a phone changes hands, and an address is personal data.
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';

export const REMEMBER_HOURS = 24;

export interface RememberedAddress {
  propertyId: string;
  label: string;
  shortLabel: string;
}

export interface ResidentMemory {
  address?: RememberedAddress & { at: number };
  vehicle?: { id: string; name: string; trailer: boolean; at: number };
  registration?: { value: string; display: string; at: number };
  /**
   * The permit booked or shown last in this conversation, so "cancel that" needs no reference;
   * its postcode when the resident gave it (by SMS their own number finds the permit instead).
   */
  permit?: { reference: string; postcode?: string; at: number };
}

const KEY = Symbol('residentMemory');
const NOW = Symbol('residentMemory.now');

/**
 * Loads the memory for this turn, so dialogs read and change it; saved with the conversation.
 * `now` is the assistant's clock, which decides what is still fresh enough to offer.
 */
export async function loadResidentMemory(
  context: TurnContext,
  accessor: StatePropertyAccessor<ResidentMemory>,
  now: Date = new Date(),
): Promise<void> {
  context.turnState.set(KEY, await accessor.get(context, {}));
  context.turnState.set(NOW, now.getTime());
}

/** The turn's time (the assistant's clock), or the real one outside a turn the bot loaded. */
function nowOf(context: TurnContext): number {
  const known = context.turnState.get(NOW) as number | undefined;
  return known ?? Date.now();
}

function memoryOf(context: TurnContext): ResidentMemory {
  const known = context.turnState.get(KEY) as ResidentMemory | undefined;
  if (known) return known;
  // A dialog run without the bot (a unit test) remembers for the turn only.
  const fresh: ResidentMemory = {};
  context.turnState.set(KEY, fresh);
  return fresh;
}

function fresh<T extends { at: number }>(item: T | undefined, now: number): T | undefined {
  return item && now - item.at <= REMEMBER_HOURS * 3_600_000 ? item : undefined;
}

/**
 * The address in a memory read straight from state (the handoff reads it before the dialogs run),
 * as of `now` on the assistant's clock.
 */
export function freshAddress(memory: ResidentMemory, now: number): RememberedAddress | undefined {
  return fresh(memory.address, now);
}

export function rememberedAddress(context: TurnContext, now = nowOf(context)): RememberedAddress | undefined {
  return fresh(memoryOf(context).address, now);
}

export function rememberAddress(context: TurnContext, address: RememberedAddress, now = nowOf(context)): void {
  memoryOf(context).address = {
    propertyId: address.propertyId,
    label: address.label,
    shortLabel: address.shortLabel,
    at: now,
  };
}

export function rememberedVehicle(context: TurnContext, now = nowOf(context)): ResidentMemory['vehicle'] {
  return fresh(memoryOf(context).vehicle, now);
}

export function rememberedRegistration(context: TurnContext, now = nowOf(context)): ResidentMemory['registration'] {
  return fresh(memoryOf(context).registration, now);
}

export function rememberVehicle(
  context: TurnContext,
  vehicle: { id: string; name: string; trailer: boolean },
  now = nowOf(context),
): void {
  memoryOf(context).vehicle = { ...vehicle, at: now };
}

export function rememberedPermit(context: TurnContext, now = nowOf(context)): ResidentMemory['permit'] {
  return fresh(memoryOf(context).permit, now);
}

export function rememberPermit(
  context: TurnContext,
  permit: { reference: string; postcode?: string },
  now = nowOf(context),
): void {
  memoryOf(context).permit = {
    reference: permit.reference,
    ...(permit.postcode ? { postcode: permit.postcode } : {}),
    at: now,
  };
}

export function rememberRegistration(
  context: TurnContext,
  registration: { value: string; display: string },
  now = nowOf(context),
): void {
  memoryOf(context).registration = { value: registration.value, display: registration.display, at: now };
}
