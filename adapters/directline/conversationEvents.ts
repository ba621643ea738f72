/**
 * Tells open WebSocket streams that a conversation has a new activity. The in-process version
 * is an EventEmitter; with several instances a Redis pub/sub implementation takes its place
 * (the stream tolerates gaps and duplicates by reading the store, so delivery order across
 * instances need not be perfect).
 */
import { EventEmitter } from 'node:events';
import type { StoredActivity } from './conversationStore.js';

export type ActivityListener = (event: StoredActivity) => void;

export interface ConversationEvents {
  publish(conversationId: string, event: StoredActivity): Promise<void>;
  /** Resolves once listening; the returned function stops it. */
  subscribe(conversationId: string, listener: ActivityListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class InProcessConversationEvents implements ConversationEvents {
  private readonly emitter = new EventEmitter();

  constructor() {
    // One listener per open socket; a busy conversation may have several tabs open.
    this.emitter.setMaxListeners(0);
  }

  async publish(conversationId: string, event: StoredActivity): Promise<void> {
    this.emitter.emit(conversationId, event);
  }

  async subscribe(conversationId: string, listener: ActivityListener): Promise<() => Promise<void>> {
    this.emitter.on(conversationId, listener);
    return async () => {
      this.emitter.off(conversationId, listener);
    };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
