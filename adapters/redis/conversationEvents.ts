/**
 * Direct Line "new activity" events across instances: a resident's Web Chat socket may be
 * open on instance B while the bot (or an agent) answering them runs on instance A. One Redis
 * channel per conversation; every subscription on this instance shares one subscriber
 * connection (a subscribed connection cannot run other commands, so publishing uses a second).
 * The stream re-reads the store, so a lost or repeated message only delays an activity.
 */
import { Redis } from 'ioredis';
import { whenReady } from './whenReady.js';
import type { ActivityListener, ConversationEvents } from '../directline/conversationEvents.js';
import type { StoredActivity } from '../directline/conversationStore.js';

export interface RedisConversationEventsOptions {
  /** Prepended to the conversation id to name its channel. */
  channelPrefix?: string;
  /** Told about a payload that is not an activity or a listener that threw (never the payload itself). */
  onError?: (error: unknown) => void;
}

/** One entry per subscribe call, so the same function subscribed twice counts twice. */
interface Subscription {
  listener: ActivityListener;
}

export class RedisConversationEvents implements ConversationEvents {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channelPrefix: string;
  private readonly onError: (error: unknown) => void;
  private readonly subscriptions = new Map<string, Set<Subscription>>();
  /** Channels this connection has SUBSCRIBEd to (as far as completed commands go). */
  private readonly subscribed = new Set<string>();
  /** Per channel, the last SUBSCRIBE/UNSUBSCRIBE in flight, so they apply in call order. */
  private readonly pending = new Map<string, Promise<void>>();

  constructor(url: string, options: RedisConversationEventsOptions = {}) {
    this.channelPrefix = options.channelPrefix ?? 'council-assistant:directline:';
    this.onError = options.onError ?? (() => undefined);
    this.publisher = new Redis(url);
    this.subscriber = new Redis(url);
    this.publisher.on('error', this.onError);
    this.subscriber.on('error', this.onError);
    this.subscriber.on('message', (channel: string, message: string) => this.deliver(channel, message));
  }

  async publish(conversationId: string, event: StoredActivity): Promise<void> {
    await this.publisher.publish(this.channel(conversationId), JSON.stringify(event));
  }

  async subscribe(conversationId: string, listener: ActivityListener): Promise<() => Promise<void>> {
    const channel = this.channel(conversationId);
    const subscription: Subscription = { listener };
    let set = this.subscriptions.get(channel);
    if (!set) {
      set = new Set();
      this.subscriptions.set(channel, set);
    }
    set.add(subscription);
    await this.sync(channel);
    let stopped = false;
    return async () => {
      if (stopped) return;
      stopped = true;
      const current = this.subscriptions.get(channel);
      current?.delete(subscription);
      if (current?.size === 0) this.subscriptions.delete(channel);
      await this.sync(channel);
    };
  }

  async close(): Promise<void> {
    this.subscriptions.clear();
    this.subscribed.clear();
    await Promise.allSettled([this.publisher.quit(), this.subscriber.quit()]);
  }

  private channel(conversationId: string): string {
    return this.channelPrefix + conversationId;
  }

  /**
   * Brings the connection's subscription for `channel` in line with whether anyone listens.
   * Queued per channel and decided when it runs, so a subscribe racing an unsubscribe of the
   * last listener never leaves the channel unsubscribed while a listener waits on it.
   */
  private sync(channel: string): Promise<void> {
    const previous = this.pending.get(channel) ?? Promise.resolve();
    const next = previous.then(async () => {
      const wanted = (this.subscriptions.get(channel)?.size ?? 0) > 0;
      if (wanted && !this.subscribed.has(channel)) {
        await whenReady(this.subscriber);
        await this.subscriber.subscribe(channel);
        this.subscribed.add(channel);
      } else if (!wanted && this.subscribed.has(channel)) {
        this.subscribed.delete(channel);
        await this.subscriber.unsubscribe(channel);
      }
    });
    // A failed command must not block later ones for the channel; the caller still sees it.
    const settled = next.catch(() => undefined);
    this.pending.set(channel, settled);
    void settled.then(() => {
      if (this.pending.get(channel) === settled) this.pending.delete(channel);
    });
    return next;
  }

  private deliver(channel: string, message: string): void {
    const set = this.subscriptions.get(channel);
    if (!set || set.size === 0) return;
    let event: StoredActivity;
    try {
      event = parseStoredActivity(message);
    } catch (error) {
      this.onError(error);
      return;
    }
    for (const { listener } of [...set]) {
      try {
        listener(event);
      } catch (error) {
        this.onError(error);
      }
    }
  }
}

function parseStoredActivity(message: string): StoredActivity {
  const value: unknown = JSON.parse(message);
  if (
    typeof value === 'object' &&
    value !== null &&
    'watermark' in value &&
    typeof value.watermark === 'number' &&
    'activity' in value &&
    typeof value.activity === 'object' &&
    value.activity !== null
  ) {
    return { watermark: value.watermark, activity: value.activity };
  }
  throw new Error('Conversation event is not a stored activity');
}
