/**
 * Handoff events across instances: one Redis channel that every instance publishes to and
 * listens on, itself included, so an agent console on any instance hears every change.
 * A subscribed connection cannot run other commands, so publishing uses a second one.
 * Payloads are checked with zod on the way in: a stray or malformed message is reported
 * (without its content, which may hold a resident's words) and dropped.
 */
import { Redis } from 'ioredis';
import { z } from 'zod';
import { whenReady } from './whenReady.js';
import type { HandoffEvent, HandoffEvents, HandoffListener } from '../../services/handoff/handoffEvents.js';

const handoffMessage = z.object({
  id: z.number(),
  requestId: z.string(),
  kind: z.enum(['resident', 'agent', 'note', 'system']),
  agentId: z.string().nullable(),
  text: z.string(),
  delivery: z.enum(['stored', 'sent', 'failed']),
  createdAt: z.number(),
});

const handoffEvent = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('queue') }),
  z.object({
    kind: z.literal('message'),
    requestId: z.string(),
    agentId: z.string().nullable(),
    message: handoffMessage,
  }),
  z.object({
    kind: z.literal('request'),
    requestId: z.string(),
    agentId: z.string().nullable(),
    status: z.string(),
    previousAgentId: z.string().nullable().optional(),
  }),
  // Checked against the service's own type, so the two cannot drift apart.
]) satisfies z.ZodType<HandoffEvent>;

export interface RedisHandoffEventsOptions {
  channel?: string;
  /** Told about a payload that is not an event or a listener that threw (never the payload). */
  onError?: (error: unknown) => void;
}

export class RedisHandoffEvents implements HandoffEvents {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private readonly onError: (error: unknown) => void;
  private readonly listeners = new Set<HandoffListener>();
  private subscribed: Promise<unknown> | undefined;

  constructor(url: string, options: RedisHandoffEventsOptions = {}) {
    this.channel = options.channel ?? 'council-assistant:handoff';
    this.onError = options.onError ?? (() => undefined);
    this.publisher = new Redis(url);
    this.subscriber = new Redis(url);
    this.publisher.on('error', this.onError);
    this.subscriber.on('error', this.onError);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.deliver(message);
    });
  }

  async publish(event: HandoffEvent): Promise<void> {
    await this.publisher.publish(this.channel, JSON.stringify(event));
  }

  async subscribe(listener: HandoffListener): Promise<() => Promise<void>> {
    this.listeners.add(listener);
    // One SUBSCRIBE for the life of the connection; ioredis re-subscribes after a reconnect.
    this.subscribed ??= whenReady(this.subscriber)
      .then(() => this.subscriber.subscribe(this.channel))
      .catch((error: unknown) => {
        this.subscribed = undefined;
        throw error;
      });
    await this.subscribed;
    return async () => {
      this.listeners.delete(listener);
    };
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }

  private deliver(message: string): void {
    let event: HandoffEvent;
    try {
      const parsed = handoffEvent.safeParse(JSON.parse(message));
      if (!parsed.success) throw new Error('Handoff event has an unexpected shape');
      event = parsed.data;
    } catch (error) {
      this.onError(error instanceof SyntaxError ? new Error('Handoff event is not JSON') : error);
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}
