/**
 * What the assistant already knows about a resident, read at the moment they are handed to a
 * person, so the agent's context panel is filled without every dialog having to report it:
 * the address, vehicle, registration and permit the dialogs remember (residentMemory) and the
 * job the assistant was doing (MainDialog's last job, as its intent name). Read only: the
 * dialogs own this state; the handoff only copies it into the request.
 */
import type { ConversationState, TurnContext } from 'botbuilder';
import type { ResidentMemory } from '../dialogs/memory/residentMemory.js';
import type { Collected } from '../services/handoff/types.js';

/** Dialog id -> the intent that starts it, filled once the jobs are built. */
export type JobIntents = Map<string, string>;

export function handoffSnapshot(conversationState: ConversationState, jobIntents: JobIntents): (context: TurnContext) => Promise<Collected> {
  const residentMemory = conversationState.createProperty<ResidentMemory>('residentMemory');
  const mainMemory = conversationState.createProperty<{ lastJob?: string }>('mainMemory');
  return async (context) => {
    const [memory, main] = await Promise.all([residentMemory.get(context, {}), mainMemory.get(context, {})]);
    const snapshot: Collected = {};
    if (memory.address) {
      snapshot.address = memory.address.label;
      snapshot.propertyId = memory.address.propertyId;
    }
    if (memory.vehicle) snapshot.vehicle = memory.vehicle.trailer ? `${memory.vehicle.name} (trailer)` : memory.vehicle.name;
    if (memory.registration) snapshot.registration = memory.registration.display;
    if (memory.permit) snapshot.references = [memory.permit.reference];
    const doing = main.lastJob ? jobIntents.get(main.lastJob) : undefined;
    if (doing) snapshot.doing = doing;
    return snapshot;
  };
}
