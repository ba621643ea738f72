/**
 * Holds back the bot state a turn writes, so that a channel can commit it in the same
 * transaction as the turn's outcome (an inbound message marked answered, its replies queued).
 * Without this, a crash between "state saved" and "message answered" would run the message
 * again against the state it had already moved on: the resident would be asked the next
 * question twice, or get "I didn't understand" for an answer that was taken.
 *
 * Inside `defer(fn)`, DatabaseStorage keeps writes and deletes in memory (reads see them);
 * `flush(trx)` then applies them with the usual eTag checks inside the caller's transaction.
 * A conflict there rolls the whole outcome back, and the message is run again.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { StoreItem } from 'botbuilder';
import type { Transaction } from 'kysely';
import type { DatabaseSchema } from './schema.js';

/** Pending changes by storage key; `null` is a delete. */
export type PendingWrites = Map<string, StoreItem | null>;

export interface DeferredTurn<T> {
  result: T;
  /** Writes the held-back state within `trx` (eTags checked then). */
  flush(trx: Transaction<DatabaseSchema>): Promise<void>;
}

/** What a channel adapter needs: run a turn with its state writes held back. */
export interface StateWriteDeferral {
  defer<T>(fn: () => Promise<T>): Promise<DeferredTurn<T>>;
}

export type FlushPending = (trx: Transaction<DatabaseSchema>, pending: PendingWrites) => Promise<void>;

/** A write that must commit with the turn's state (an insights event, say), or not at all. */
export type TurnWrite = (trx: Transaction<DatabaseSchema>) => Promise<void>;

export class DeferredStateWrites implements StateWriteDeferral {
  private readonly scope = new AsyncLocalStorage<PendingWrites>();
  private readonly extras = new AsyncLocalStorage<TurnWrite[]>();
  private flusher: FlushPending | undefined;

  /** The storage that applies held-back writes (DatabaseStorage registers itself). */
  attach(flush: FlushPending): void {
    this.flusher = flush;
  }

  /** The writes held back by the turn running in this async context, if any. */
  current(): PendingWrites | undefined {
    return this.scope.getStore();
  }

  /**
   * Adds a write to the transaction of the turn running in this async context; false when no
   * turn is being held back here (the caller then writes on its own).
   */
  alsoInTransaction(write: TurnWrite): boolean {
    const extras = this.extras.getStore();
    if (!extras) return false;
    extras.push(write);
    return true;
  }

  async defer<T>(fn: () => Promise<T>): Promise<DeferredTurn<T>> {
    const pending: PendingWrites = new Map();
    const extras: TurnWrite[] = [];
    const result = await this.scope.run(pending, () => this.extras.run(extras, fn));
    const flusher = this.flusher;
    return {
      result,
      flush: async (trx) => {
        for (const write of extras) await write(trx);
        if (pending.size === 0) return;
        if (!flusher) throw new Error('DeferredStateWrites: no storage attached to flush to');
        await flusher(trx, pending);
      },
    };
  }
}
