/**
 * What the dialogs need from intent recognition: the intent with its score and the details
 * (entities) already in the message. The shapes are intents/'s own; dialogs depend only on
 * this interface, so a council can swap in another recogniser (CLU, a hosted model) that
 * produces the same shapes without touching a dialog.
 */
import type { Entity, Recognition } from '../intents/types.js';

export type Understanding = Recognition;
export type UnderstoodEntity = Entity;

export interface IntentRecogniser {
  recognise(text: string, now?: Date): Understanding;
}

/** The first entity of a type, narrowed to its shape. */
export function entityOf<T extends Entity['type']>(
  understanding: Understanding | undefined,
  type: T,
): Extract<Entity, { type: T }> | undefined {
  return understanding?.entities.find((entity): entity is Extract<Entity, { type: T }> => entity.type === type);
}
