/**
 * What the assistant already knows about a resident, read at the moment they are handed to a
 * person, so the agent's context panel is filled without every dialog having to report it:
 * - what the dialogs remember across jobs (residentMemory: address, vehicle, registration,
 *   the permit booked);
 * - what the job in progress had gathered so far, from the dialog stack as it stood when the
 *   turn began (asking for a person cancels the job before the handoff is requested): a
 *   registration, vehicle, address or reference anywhere in the dialogs' own state;
 * - which job that was (MainDialog's last job, as its intent name).
 * Read only: the dialogs own this state; the handoff copies it into the request.
 */
import type { ConversationState, Middleware, TurnContext } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { ResidentMemory } from '../dialogs/memory/residentMemory.js';
import type { Collected } from '../services/handoff/types.js';

/** Dialog id -> the intent that starts it, filled once the jobs are built. */
export type JobIntents = Map<string, string>;

const TURN_START_STACK = Symbol('dialogStackAtTurnStart');
const REFERENCE = /^(TP|MB|HC)-\d{6}$/;

/** Keeps a copy of the dialog stack as the turn began, before any dialog changes it. */
export function dialogStackAtTurnStart(conversationState: ConversationState): Middleware {
  const dialogState = conversationState.createProperty<DialogState>('dialogState');
  return {
    async onTurn(context, next) {
      if (context.activity.type === 'message') {
        const stack = (await dialogState.get(context))?.dialogStack ?? [];
        if (stack.length) context.turnState.set(TURN_START_STACK, structuredClone(stack.map((entry) => entry.state)));
      }
      await next();
    },
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The details a job gathered, found by their shape in its state (never by dialog name). */
function gathered(states: unknown[]): Collected {
  const found: Collected = {};
  const references = new Set<string>();
  const visit = (value: unknown, depth: number) => {
    // Component dialogs nest their stacks (state.dialogs.dialogStack[].state…): deep enough for those.
    if (depth > 16) return;
    if (typeof value === 'string' && REFERENCE.test(value)) references.add(value);
    if (Array.isArray(value)) return value.forEach((item) => visit(item, depth + 1));
    if (!isRecord(value)) return;
    const { registration, vehicle, address, propertyId } = value;
    if (!found.registration && isRecord(registration) && typeof registration.display === 'string')
      found.registration = registration.display;
    if (!found.vehicle && isRecord(vehicle) && typeof vehicle.name === 'string')
      found.vehicle = vehicle.trailer === true ? `${vehicle.name} (trailer)` : vehicle.name;
    if (!found.address && typeof address === 'string' && typeof propertyId === 'string') {
      found.address = address;
      found.propertyId = propertyId;
    }
    for (const child of Object.values(value)) visit(child, depth + 1);
  };
  states.forEach((state) => visit(state, 0));
  if (references.size) found.references = [...references];
  return found;
}

export function handoffSnapshot(
  conversationState: ConversationState,
  jobIntents: JobIntents,
): (context: TurnContext) => Promise<Collected> {
  const residentMemory = conversationState.createProperty<ResidentMemory>('residentMemory');
  const mainMemory = conversationState.createProperty<{ lastJob?: string }>('mainMemory');
  return async (context) => {
    const [memory, main] = await Promise.all([residentMemory.get(context, {}), mainMemory.get(context, {})]);
    const remembered: Collected = {};
    if (memory.address) {
      remembered.address = memory.address.label;
      remembered.propertyId = memory.address.propertyId;
    }
    if (memory.vehicle)
      remembered.vehicle = memory.vehicle.trailer ? `${memory.vehicle.name} (trailer)` : memory.vehicle.name;
    if (memory.registration) remembered.registration = memory.registration.display;
    if (memory.permit) remembered.references = [memory.permit.reference];
    // The job in progress knows better than memory from an earlier job.
    const inProgress = gathered((context.turnState.get(TURN_START_STACK) as unknown[] | undefined) ?? []);
    const references = [...new Set([...(remembered.references ?? []), ...(inProgress.references ?? [])])];
    const snapshot: Collected = { ...remembered, ...inProgress, ...(references.length ? { references } : {}) };
    const doing = main.lastJob ? jobIntents.get(main.lastJob) : undefined;
    if (doing) snapshot.doing = doing;
    return snapshot;
  };
}
