/**
 * The handoff itself, between the bot and the agent hub: queues a resident (or offers a
 * callback when the contact centre is closed), lets one agent accept, relays messages both ways
 * through the channel's own adapter (Web Chat or SMS) as proactive turns, ends or transfers
 * the chat, and runs the accept timers from the store. Everything that changes is written to
 * the store first, then announced on `events` for open agent consoles.
 */
import { EventEmitter } from 'node:events';
import {
  ActivityTypes,
  EventFactory,
  type Activity,
  type ConversationState,
  type ConversationReference,
  type StatePropertyAccessor,
  TurnContext,
} from 'botbuilder';
import type pino from 'pino';
import type { Cases } from '../cases/cases.js';
import { channelOf, type Channel } from '../channels/channels.js';
import type { DatabaseTranscriptStore } from '../../store/transcriptStore.js';
import type { ContactCentre, HandoffMessageId } from './contactCentre.js';
import type { HandoffEvent, HandoffEvents } from './handoffEvents.js';
import type { HandoffQueue } from './handoffQueue.js';
import type { Agent, Collected, HandoffMemory, HandoffMessage, HandoffRequest, HandoffRequestInput } from './types.js';

/** Anything that can reach a resident later: both our adapters (and CloudAdapter-like ones). */
export interface ProactiveAdapter {
  continueConversation(
    reference: Partial<ConversationReference>,
    logic: (context: TurnContext) => Promise<void>,
  ): Promise<void>;
}

export type { HandoffEvent } from './handoffEvents.js';

export type RequestOutcome =
  | { kind: 'queued'; request: HandoffRequest; position: number; created: boolean }
  | { kind: 'closed' }
  /** Over the limit on new requests: told to call instead (and, when urgent, given the emergency contacts). */
  | { kind: 'limited' };

export interface HandoffServiceOptions {
  queue: HandoffQueue;
  contactCentre: ContactCentre;
  transcripts: DatabaseTranscriptStore;
  cases?: Cases;
  conversationState: ConversationState;
  memory: StatePropertyAccessor<HandoffMemory>;
  collected: StatePropertyAccessor<Collected>;
  logger: pino.Logger;
  now?: () => number;
  /** The council's phone number, for residents who decline a callback. */
  councilPhone: string;
  /** Plain words for a topic id, for the agent console ("self_harm" -> "Self-harm or suicide"). */
  topicLabel?: (topic: string) => string;
  /**
   * What the assistant already knows about the resident beyond what the dialogs reported with
   * rememberCollected (their remembered address, vehicle, the job in progress), read when the
   * request is made. Reported values win over it.
   */
  snapshot?: (context: TurnContext) => Promise<Collected>;
  /** How many agents are available to take residents now, for the queue's estimate (one if unknown). */
  availableAgents?: () => Promise<number>;
  /** Send Bot Framework `handoff.initiate` events for an external agent hub (default true). */
  emitHandoffInitiate?: boolean;
  /**
   * Where changes are announced so every instance's consoles hear them: in-process for one
   * instance, Redis for several. `events` hears them back once `listen()` has run.
   */
  bus: HandoffEvents;
  /**
   * Whether this conversation may take a new place in the queue (a velocity limit, so a flood
   * of fake requests cannot push real residents down it); every request is admitted without it.
   */
  admitNewRequest?: (conversationId: string) => Promise<boolean>;
  /** Told when something the council's insights count happens (services/insights); nothing by default. */
  insights?: HandoffInsights;
}

/** What the handoff tells the council's insights, as it happens. */
export interface HandoffInsights {
  /** A resident was handed to a person (queued, offered a callback, or told to call). */
  handedOver(context: TurnContext, input: HandoffRequestInput): Promise<void>;
  /** A request left the queue after `waitedMs`: accepted, the resident left, or offered a callback. */
  leftQueue(request: HandoffRequest, how: 'accepted' | 'left' | 'callback', waitedMs: number): Promise<void>;
  /** The resident rated the chat 1-5. */
  rated(request: { channelId: string }, rating: number): Promise<void>;
}

/**
 * Why an agent's action on a handoff could not be done, in words an agent can read. What it
 * means for a protocol (an HTTP status, say) is for the adapter that received the action.
 */
export type HandoffProblem =
  /** The action itself makes no sense (transfer to yourself). */
  | 'invalid'
  /** No such conversation. */
  | 'not_found'
  /** Someone or something else changed it first (already taken, ended, not yours). */
  | 'conflict'
  /** No channel connected that reaches the resident. */
  | 'unreachable';

export class HandoffError extends Error {
  constructor(
    readonly problem: HandoffProblem,
    message: string,
  ) {
    super(message);
    this.name = 'HandoffError';
  }
}

export class HandoffService {
  /** Every change, from this instance or (through the bus) any other: the consoles listen here. */
  readonly events = new EventEmitter<{ change: [HandoffEvent] }>();
  private stopListening: (() => Promise<void>) | undefined;
  private sweepTimer: NodeJS.Timeout | undefined;
  private readonly adapters = new Map<string, ProactiveAdapter>();
  private readonly now: () => number;

  constructor(private readonly options: HandoffServiceOptions) {
    this.now = options.now ?? Date.now;
    this.events.setMaxListeners(0);
  }

  get queue(): HandoffQueue {
    return this.options.queue;
  }

  get councilPhone(): string {
    return this.options.councilPhone;
  }

  /** What a request is about, in the words an agent reads (the topic id when there are none). */
  topicLabel(topic: string): string {
    return this.options.topicLabel?.(topic) ?? topic;
  }

  get contactCentre(): ContactCentre {
    return this.options.contactCentre;
  }

  /** The adapter that reaches residents on a channel ('directline', 'sms'…). */
  connect(channelId: string, adapter: ProactiveAdapter): void {
    this.adapters.set(channelId, adapter);
  }

  clock(): number {
    return this.now();
  }

  // ---- bot side -------------------------------------------------------------------------

  /** Adds what the assistant learned to the conversation's collected context. */
  async rememberCollected(context: TurnContext, partial: Collected): Promise<void> {
    const current = await this.options.collected.get(context, {});
    const references = [...new Set([...(current.references ?? []), ...(partial.references ?? [])])];
    await this.options.collected.set(context, { ...current, ...partial, ...(references.length ? { references } : {}) });
  }

  /** Everything known about the resident now: the snapshot, then what dialogs reported, then the request's own. */
  private async collectedNow(context: TurnContext, extra: Collected | undefined): Promise<Collected> {
    const snapshot =
      (await this.options.snapshot?.(context).catch((error: unknown) => {
        // A context panel with less in it is no reason to keep a resident from a person.
        this.options.logger.warn({ err: summary(error) }, 'handoff snapshot failed');
        return undefined;
      })) ?? {};
    const reported = await this.options.collected.get(context, {});
    const references = [
      ...new Set([...(snapshot.references ?? []), ...(reported.references ?? []), ...(extra?.references ?? [])]),
    ];
    return { ...snapshot, ...reported, ...extra, ...(references.length ? { references } : {}) };
  }

  /**
   * Hands the resident to a person: queues them and tells them their place and an estimate,
   * or, outside the contact centre's hours, offers a callback. Call from any dialog.
   */
  async requestHandoff(context: TurnContext, input: HandoffRequestInput): Promise<RequestOutcome> {
    const now = this.now();
    const channel = channelOf(context);
    const collected = await this.collectedNow(context, input.collected);
    const memory = await this.options.memory.get(context, {});
    if (!this.contactCentre.isOpen(new Date(now))) {
      await this.options.memory.set(context, { stage: 'callbackOffer', pending: { ...input, collected } });
      // An urgent resident has just been given the numbers that answer now; the callback is extra.
      await this.say(context, input.priority === 'urgent' ? 'outOfHoursUrgent' : 'outOfHours');
      await this.counted(this.options.insights?.handedOver(context, input));
      return { kind: 'closed' };
    }
    const reference = TurnContext.getConversationReference(context.activity);
    const conversationId = context.activity.conversation?.id;
    if (!conversationId) throw new Error('requestHandoff needs a conversation id');
    const admit = this.options.admitNewRequest;
    if (admit && !(await this.queue.activeFor(conversationId)) && !(await admit(conversationId))) {
      await this.say(context, input.priority === 'urgent' ? 'busyUrgent' : 'busy', {
        phone: this.options.councilPhone,
      });
      // Only whether it was urgent: the topic (self-harm, abuse…) never reaches the log.
      this.options.logger.info(
        { conversationId, urgent: input.priority === 'urgent' },
        'handoff refused: over the limit',
      );
      await this.counted(this.options.insights?.handedOver(context, input));
      return { kind: 'limited' };
    }
    const { request, created } = await this.queue.enqueue(
      {
        conversationId,
        channelId: context.activity.channelId ?? 'unknown',
        reference,
        priority: input.priority,
        reason: input.reason,
        topic: input.topic,
        collected,
        acceptDueAt: now + this.contactCentre.acceptTimeoutMs(input.priority),
      },
      now,
    );
    delete memory.stage;
    delete memory.pending;
    await this.options.memory.set(context, memory);
    const position = await this.queue.position(request);
    const minutes = this.contactCentre.estimateMinutes(position, await this.availableAgents());
    if (!created) {
      await this.say(context, 'alreadyQueued', { position, minutes });
      return { kind: 'queued', request, position, created };
    }
    // What the resident typed to trigger this is part of what the agent should read first.
    if (context.activity.type === ActivityTypes.Message && context.activity.text) {
      await this.queue.addMessage(request.id, 'resident', context.activity.text, now);
    }
    await this.say(context, request.priority === 'urgent' ? 'queuedUrgent' : 'queued', { position, minutes });
    await this.counted(this.options.insights?.handedOver(context, input));
    if (this.options.emitHandoffInitiate ?? true) await this.sendInitiation(context, request, channel);
    // Only whether it is urgent: the topic or the reason (self-harm, abuse, "sensitive"…) says
    // something about the resident, and the queue in the database is where an agent reads it.
    this.options.logger.info(
      { requestId: request.id, conversationId, urgent: request.priority === 'urgent' },
      'handoff queued',
    );
    this.emit({ kind: 'queue' });
    return { kind: 'queued', request, position, created };
  }

  /** Bot Framework interop: an external agent hub listening for handoff.initiate may take over. */
  private async sendInitiation(context: TurnContext, request: HandoffRequest, channel: Channel): Promise<void> {
    if (!channel.carriesEvents) return; // nothing there can receive an event; it would only cost a lookup
    const stored = await this.options.transcripts.getWholeTranscript(request.channelId, request.conversationId);
    // The transcript logger writes this turn's activities when the turn ends; include the
    // message that asked for a person now.
    const current = context.activity;
    const activities = stored.some((a) => a.id !== undefined && a.id === current.id) ? stored : [...stored, current];
    const event = EventFactory.createHandoffInitiation(
      context,
      {
        handoffId: request.id,
        skill: 'contact-centre',
        priority: request.priority,
        reason: request.reason,
        topic: request.topic,
      },
      { activities },
    );
    await context.sendActivity(event);
  }

  /** A resident's message while waiting or talking to an agent: kept and shown to the agent. */
  async residentSaid(request: HandoffRequest, text: string): Promise<HandoffMessage> {
    const message = await this.queue.addMessage(request.id, 'resident', text, this.now());
    this.emit({ kind: 'message', requestId: request.id, agentId: request.agentId, message });
    return message;
  }

  /** The resident leaves the queue or the chat ('back'); false when it was no longer active. */
  async residentLeft(request: HandoffRequest): Promise<boolean> {
    const now = this.now();
    const before = await this.queue.finish(
      request.id,
      request.status === 'queued' ? 'left' : 'ended',
      'resident_left',
      now,
    );
    if (!before) return false;
    if (request.status === 'queued')
      await this.counted(this.options.insights?.leftQueue(request, 'left', now - request.queuedAt));
    this.emit({
      kind: 'request',
      requestId: request.id,
      agentId: before.agentId,
      status: request.status === 'queued' ? 'left' : 'ended',
    });
    this.emit({ kind: 'queue' });
    return true;
  }

  /** handoff.status from an external agent hub. */
  async externalStatus(context: TurnContext, state: string): Promise<void> {
    const conversationId = context.activity.conversation?.id ?? '';
    const request = await this.queue.activeFor(conversationId);
    if (!request) return;
    const now = this.now();
    if (state === 'accepted') {
      await this.queue.markExternal(request.id, now);
    } else if (state === 'failed') {
      // Our own agents take it instead; it keeps its place in the queue.
      await this.queue.requeue(request.id, now + this.contactCentre.acceptTimeoutMs(request.priority), now);
    } else if (state === 'completed') {
      await this.queue.finish(request.id, 'ended', 'external_completed', now);
      await this.options.memory.set(context, { stage: 'rating', requestId: request.id });
    }
    this.options.logger.info({ requestId: request.id, state }, 'handoff.status from an external hub');
    this.emit({ kind: 'request', requestId: request.id, agentId: request.agentId, status: state });
    this.emit({ kind: 'queue' });
  }

  /** Opens an HC- case for a callback (Cases port); null when no Cases service is wired. */
  async openCallback(input: {
    context: TurnContext;
    request?: HandoffRequest;
    pending?: HandoffRequestInput;
    contact: string;
    about?: string;
    preferredTime?: { text: string; honoured: boolean };
    /** The property the resident named or confirmed for this callback. */
    property?: { id: string; label: string };
  }): Promise<string | null> {
    const cases = this.options.cases;
    if (!cases) return null;
    const { context, request, pending } = input;
    const known: Collected = request?.collected ?? pending?.collected ?? (await this.collectedNow(context, undefined));
    const collected: Collected = input.property
      ? { ...known, propertyId: input.property.id, address: input.property.label }
      : known;
    const now = this.now();
    const { reference } = await cases.open(
      {
        kind: 'callback',
        topic: request?.topic ?? pending?.topic ?? 'general',
        priority: (request?.priority ?? pending?.priority) === 'urgent' ? 'urgent' : 'normal',
        channel: context.activity.channelId ?? 'unknown',
        conversationId: context.activity.conversation?.id ?? '',
        ...(collected.propertyId ? { propertyId: collected.propertyId } : {}),
        ...(collected.verified ? { accountNumber: collected.verified.accountNumber } : {}),
        verified: Boolean(collected.verified),
        details: {
          ...collected,
          reason: request?.reason ?? pending?.reason ?? 'asked',
          handoffId: request?.id ?? null,
          ...(input.about ? { about: input.about } : {}),
          ...(input.preferredTime
            ? { preferredTime: input.preferredTime.text, preferredTimeHonoured: input.preferredTime.honoured }
            : {}),
        },
        contact: input.contact,
      },
      new Date(now),
    );
    if (request) {
      await this.queue.finish(request.id, 'callback', 'callback_arranged', now, reference);
      this.emit({ kind: 'request', requestId: request.id, agentId: request.agentId, status: 'callback' });
      this.emit({ kind: 'queue' });
    }
    this.options.logger.info({ requestId: request?.id, case: reference }, 'callback case opened');
    return reference;
  }

  /** Tells every console the queue's picture changed (availability, callbacks). */
  announceQueueChange(): void {
    this.emit({ kind: 'queue' });
  }

  /** Agents available now; a store that does not answer leaves the plain estimate. */
  private async availableAgents(): Promise<number> {
    return (await this.options.availableAgents?.().catch(() => 1)) ?? 1;
  }

  // ---- agent side -----------------------------------------------------------------------

  async accept(requestId: string, agent: Agent): Promise<HandoffRequest> {
    const now = this.now();
    if (!(await this.queue.accept(requestId, agent.id, now))) {
      const current = await this.queue.get(requestId);
      throw new HandoffError(
        current ? 'conflict' : 'not_found',
        current ? 'Someone else has already taken this conversation, or it has ended.' : 'No such conversation.',
      );
    }
    const request = await this.mustGet(requestId);
    await this.counted(this.options.insights?.leftQueue(request, 'accepted', now - request.queuedAt));
    await this.queue.addMessage(requestId, 'system', `${agent.displayName} accepted`, now, agent.id);
    this.emit({ kind: 'request', requestId, agentId: agent.id, status: 'assigned' });
    this.emit({ kind: 'queue' });
    await this.tell(request, 'accepted', { agent: agent.displayName }).catch((error: unknown) =>
      this.options.logger.warn({ err: summary(error), requestId }, 'could not tell the resident an agent joined'),
    );
    return request;
  }

  /** Sends an agent's reply to the resident's channel; the message records whether it went. */
  async reply(requestId: string, agent: Agent, text: string): Promise<HandoffMessage> {
    const request = await this.assignedTo(requestId, agent);
    const message = await this.queue.addMessage(requestId, 'agent', text, this.now(), agent.id, 'stored');
    try {
      await this.tell(request, 'agentSays', { agent: agent.displayName, text });
      await this.queue.setDelivery(message.id, 'sent');
      message.delivery = 'sent';
    } catch (error) {
      await this.queue.setDelivery(message.id, 'failed');
      message.delivery = 'failed';
      this.options.logger.warn({ err: summary(error), requestId }, 'agent reply could not be delivered');
    }
    this.emit({ kind: 'message', requestId, agentId: agent.id, message });
    return message;
  }

  async note(requestId: string, agent: Agent, text: string): Promise<HandoffMessage> {
    await this.assignedTo(requestId, agent);
    const message = await this.queue.addMessage(requestId, 'note', text, this.now(), agent.id);
    this.emit({ kind: 'message', requestId, agentId: agent.id, message });
    return message;
  }

  /** Ends the chat with an outcome: the resident is back with the assistant and asked for a rating. */
  async end(requestId: string, agent: Agent, outcome: string): Promise<void> {
    const request = await this.assignedTo(requestId, agent);
    if (!(await this.queue.end(requestId, agent.id, outcome, this.now())))
      throw new HandoffError('conflict', 'This conversation has already ended.');
    this.emit({ kind: 'request', requestId, agentId: agent.id, status: 'ended' });
    await this.tell(request, 'ended', { agent: agent.displayName }, async (context) => {
      await this.options.memory.set(context, { stage: 'rating', requestId });
    }).catch((error: unknown) =>
      this.options.logger.warn({ err: summary(error), requestId }, 'could not tell the resident the chat ended'),
    );
  }

  async transfer(requestId: string, from: Agent, to: Agent): Promise<void> {
    const request = await this.assignedTo(requestId, from);
    if (to.id === from.id) throw new HandoffError('invalid', 'Choose another agent.');
    if (!(await this.queue.transfer(requestId, from.id, to.id, this.now())))
      throw new HandoffError('conflict', 'This conversation is no longer yours to transfer.');
    await this.queue.addMessage(
      requestId,
      'system',
      `${from.displayName} transferred to ${to.displayName}`,
      this.now(),
      from.id,
    );
    this.emit({ kind: 'request', requestId, agentId: to.id, status: 'assigned', previousAgentId: from.id });
    await this.tell(request, 'transferred', { agent: to.displayName }).catch((error: unknown) =>
      this.options.logger.warn({ err: summary(error), requestId }, 'could not tell the resident about the transfer'),
    );
  }

  /** Puts a conversation back in the queue, keeping its place, for any agent to take. */
  async returnToQueue(requestId: string, from: Agent): Promise<void> {
    const request = await this.assignedTo(requestId, from);
    const now = this.now();
    if (
      !(await this.queue.returnToQueue(
        requestId,
        from.id,
        now + this.contactCentre.acceptTimeoutMs(request.priority),
        now,
      ))
    ) {
      throw new HandoffError('conflict', 'This conversation is no longer yours to transfer.');
    }
    await this.queue.addMessage(
      requestId,
      'system',
      `${from.displayName} put the conversation back in the queue`,
      now,
      from.id,
    );
    this.emit({ kind: 'request', requestId, agentId: null, status: 'queued', previousAgentId: from.id });
    this.emit({ kind: 'queue' });
    const position = await this.queue.position({ ...request, status: 'queued' });
    await this.tell(request, 'queued', {
      position,
      minutes: this.contactCentre.estimateMinutes(position, await this.availableAgents()),
    }).catch((error: unknown) =>
      this.options.logger.warn({ err: summary(error), requestId }, 'could not tell the resident about the transfer'),
    );
  }

  /** The whole conversation so far as the assistant recorded it (every message, both ways). */
  async transcript(request: HandoffRequest): Promise<Partial<Activity>[]> {
    return this.options.transcripts.getWholeTranscript(request.channelId, request.conversationId);
  }

  /**
   * A channel could not reach the resident (every retry of a text failed): the conversation
   * goes in the queue, with a note saying why, so a person follows it up by phone. Nothing is
   * said to the resident (it could not be delivered); a conversation already waiting for or
   * talking to a person just gets the note.
   */
  async unreachable(conversationId: string, channelId: string, note: string): Promise<void> {
    const now = this.now();
    const { request } = await this.queue.enqueue(
      {
        conversationId,
        channelId,
        reference: {
          channelId,
          conversation: { id: conversationId, isGroup: false, conversationType: 'personal', name: '' },
        },
        priority: 'normal',
        reason: 'undeliverable',
        topic: `${channelId}.undelivered`,
        collected: {},
        acceptDueAt: null,
      },
      now,
    );
    const message = await this.queue.addMessage(request.id, 'system', note, now);
    this.options.logger.warn(
      { requestId: request.id, conversationId },
      'conversation handed to a person: replies could not be delivered',
    );
    this.emit({ kind: 'queue' });
    this.emit({ kind: 'message', requestId: request.id, agentId: request.agentId, message });
  }

  // ---- timers -----------------------------------------------------------------------------

  /**
   * Acts on due accept timers: a resident nobody has accepted in time is offered a callback
   * (they stay in the queue meanwhile). The claim is a conditional UPDATE, so with several
   * instances sweeping, each resident is told once.
   */
  async sweep(): Promise<number> {
    const now = this.now();
    let offered = 0;
    for (const request of await this.queue.dueForCallbackOffer(now)) {
      if (!(await this.queue.claimCallbackOffer(request.id, now))) continue;
      offered += 1;
      await this.counted(this.options.insights?.leftQueue(request, 'callback', now - request.queuedAt));
      await this.tell(request, 'timedOut', {}, async (context) => {
        await this.options.memory.set(context, { stage: 'callbackOffer', requestId: request.id });
      }).catch((error: unknown) =>
        this.options.logger.warn({ err: summary(error), requestId: request.id }, 'could not offer a callback'),
      );
    }
    if (offered) this.emit({ kind: 'queue' });
    return offered;
  }

  /** The resident's 1-5 rating of a chat just ended. */
  async rate(requestId: string, rating: number): Promise<void> {
    await this.queue.setRating(requestId, rating, this.now());
    const request = await this.queue.get(requestId);
    if (request) await this.counted(this.options.insights?.rated(request, rating));
  }

  // ---- helpers ----------------------------------------------------------------------------

  /** A figure that could not be counted is no reason to fail a resident's handoff. */
  private async counted(recording: Promise<void> | undefined): Promise<void> {
    await recording?.catch((error: unknown) =>
      this.options.logger.warn({ err: summary(error) }, 'insights event not recorded'),
    );
  }

  private async mustGet(requestId: string): Promise<HandoffRequest> {
    const request = await this.queue.get(requestId);
    if (!request) throw new HandoffError('not_found', 'No such conversation.');
    return request;
  }

  private async assignedTo(requestId: string, agent: Agent): Promise<HandoffRequest> {
    const request = await this.mustGet(requestId);
    if (request.status !== 'assigned' || request.agentId !== agent.id)
      throw new HandoffError('conflict', 'This conversation is not assigned to you.');
    return request;
  }

  /** A proactive message to the resident through their channel's adapter; state saved after. */
  private async tell(
    request: HandoffRequest,
    id: HandoffMessageId,
    values: Record<string, string | number>,
    also?: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    const adapter = this.adapters.get(request.channelId);
    if (!adapter) throw new HandoffError('unreachable', `No adapter connected for channel ${request.channelId}`);
    await adapter.continueConversation(request.reference, async (context) => {
      await also?.(context);
      const text = this.contactCentre.render(id, channelOf(context), values);
      // Marked so the agent's transcript can tell an agent's words from the assistant's.
      // Web Chat shows the agent under their own name; the console shows their words without the prefix.
      const channelData =
        id === 'agentSays'
          ? { handoffAgent: true, handoffAgentName: values.agent, handoffText: values.text }
          : undefined;
      await context.sendActivity({
        type: ActivityTypes.Message,
        text,
        inputHint: 'acceptingInput',
        ...(channelData ? { channelData } : {}),
      });
      await this.options.conversationState.saveChanges(context, false);
    });
  }

  async say(context: TurnContext, id: HandoffMessageId, values: Record<string, string | number> = {}): Promise<void> {
    await context.sendActivity({
      type: ActivityTypes.Message,
      text: this.contactCentre.render(id, channelOf(context), values),
      inputHint: 'acceptingInput',
    });
  }

  /**
   * Starts hearing other instances and the periodic sweep of due accept timers. A bus that is
   * down at start must not keep the assistant from serving residents: it waits a while, then
   * carries on and lets the bus join when it can.
   */
  async start(sweepIntervalMs: number): Promise<void> {
    if (this.sweepTimer) return;
    const listening = this.listen();
    listening.catch((err: unknown) => this.options.logger.warn({ err: summary(err) }, 'handoff events not listening'));
    await Promise.race([
      listening.catch(() => undefined),
      new Promise((resolve) => setTimeout(resolve, 10_000).unref()),
    ]);
    const sweep = () => {
      this.sweep().catch((err: unknown) => this.options.logger.warn({ err: summary(err) }, 'handoff sweep failed'));
    };
    this.sweepTimer = setInterval(sweep, sweepIntervalMs);
    this.sweepTimer.unref();
    sweep();
  }

  /** Starts hearing changes, this instance's and (through a shared bus) every other's. */
  async listen(): Promise<void> {
    if (this.stopListening) return;
    this.stopListening = await this.options.bus.subscribe((event) => this.events.emit('change', event));
  }

  async stop(): Promise<void> {
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = undefined;
    await this.stopListening?.();
    this.stopListening = undefined;
  }

  /**
   * The store already holds the change, so a bus that is down only leaves consoles a step
   * behind until their next refresh: it is logged, never thrown at the resident or agent.
   */
  private emit(event: HandoffEvent): void {
    this.options.bus
      .publish(event)
      .catch((error: unknown) =>
        this.options.logger.warn({ err: summary(error), kind: event.kind }, 'handoff event not published'),
      );
  }
}

function summary(error: unknown): { name: string; message: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message }
    : { name: 'Error', message: String(error) };
}
