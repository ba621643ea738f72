/**
 * What changed in the handoff queue, told to every open agent console. One process tells its
 * own consoles directly; several instances share Redis (adapters/redis/handoffEvents.ts), so an
 * agent whose console is open on instance B hears a resident whose Web Chat or SMS turn ran on
 * instance A. Events only prompt the console to re-read the store, so a lost one delays, and
 * never corrupts, what an agent sees.
 */
import { EventEmitter } from 'node:events';
import type { HandoffMessage } from './types.js';

export type HandoffEvent =
  | { kind: 'queue' }
  | { kind: 'message'; requestId: string; agentId: string | null; message: HandoffMessage }
  | { kind: 'request'; requestId: string; agentId: string | null; status: string; previousAgentId?: string | null };

export type HandoffListener = (event: HandoffEvent) => void;

export interface HandoffEvents {
  publish(event: HandoffEvent): Promise<void>;
  /** Resolves once listening; the returned function stops it. */
  subscribe(listener: HandoffListener): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

export class InProcessHandoffEvents implements HandoffEvents {
  private readonly emitter = new EventEmitter<{ change: [HandoffEvent] }>();

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  async publish(event: HandoffEvent): Promise<void> {
    this.emitter.emit('change', event);
  }

  async subscribe(listener: HandoffListener): Promise<() => Promise<void>> {
    this.emitter.on('change', listener);
    return async () => {
      this.emitter.off('change', listener);
    };
  }

  async close(): Promise<void> {
    this.emitter.removeAllListeners();
  }
}
