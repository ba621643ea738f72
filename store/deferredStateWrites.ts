/**
 * Holds back what a turn writes, so that a channel can commit it in one transaction with the
 * turn's outcome (an inbound message marked answered, its replies stored or queued).
 * Without this, a crash between "state saved" and "message answered" would run the message
 * again against the state it had already moved on: the resident would be asked the next
 * question twice, or get "I didn't understand" for an answer that was taken.
 *
 * Inside `defer(fn)`, DatabaseStorage keeps writes and deletes in memory (reads see them), and
 * any other store can `join` the turn with rows of its own (the transcript does; so can a
 * record of what happened in the turn): `flush(trx)` then applies all of them inside the
 * caller's transaction, state first with the usual eTag checks, then each batch as it was
 * joined. A conflict there rolls the whole outcome back, and the message is run again, so
 * nothing a turn wrote is ever half there.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { StoreItem } from 'botbuilder';
import type { Transaction } from 'kysely';
import type { DatabaseSchema } from './schema.js';

/** Pending changes by storage key; `null` is a delete. */
export type PendingWrites = Map<string, StoreItem | null>;

export interface DeferredTurn<T> {
  result: T;
  /** Writes the held-back state and joined batches within `trx` (eTags checked then). */
  flush(trx: Transaction<DatabaseSchema>): Promise<void>;
}

/** What a channel adapter needs: run a turn with its writes held back. */
export interface StateWriteDeferral {
  defer<T>(fn: () => Promise<T>): Promise<DeferredTurn<T>>;
}

export type FlushPending = (trx: Transaction<DatabaseSchema>, pending: PendingWrites) => Promise<void>;

/** A write that must commit with the turn's state (an insights event, say), or not at all. */
export type TurnWrite = (trx: Transaction<DatabaseSchema>) => Promise<void>;

/**
 * Rows of one kind that a store adds to a turn: gathered while the turn runs, written by
 * `write` in the turn's transaction (one statement for all of them, ideally). Define one per
 * store, once: the batch is found by its identity.
 */
export interface TurnBatch<T> {
  readonly name: string;
  write(trx: Transaction<DatabaseSchema>, items: T[]): Promise<void>;
}

interface TurnScope {
  state: PendingWrites;
  batches: Map<TurnBatch<unknown>, unknown[]>;
  /** One-off writes (`alsoInTransaction`), in the order they were added. */
  extras: TurnWrite[];
  /** Set once flushed: anything joining later writes for itself. */
  closed: boolean;
}

export class DeferredStateWrites implements StateWriteDeferral {
  private readonly scope = new AsyncLocalStorage<TurnScope>();
  private flusher: FlushPending | undefined;

  /** The storage that applies held-back writes (DatabaseStorage registers itself). */
  attach(flush: FlushPending): void {
    this.flusher = flush;
  }

  /** The state writes held back by the turn running in this async context, if any. */
  current(): PendingWrites | undefined {
    const scope = this.scope.getStore();
    return scope && !scope.closed ? scope.state : undefined;
  }

  /**
   * Adds `item` to the running turn's batch of its kind, to be written with the turn's outcome.
   * False when no deferred turn is running here (or it has already been written): the caller
   * then writes the item itself.
   */
  join<T>(batch: TurnBatch<T>, item: T): boolean {
    const scope = this.scope.getStore();
    if (!scope || scope.closed) return false;
    const items = scope.batches.get(batch as TurnBatch<unknown>);
    if (items) items.push(item);
    else scope.batches.set(batch as TurnBatch<unknown>, [item]);
    return true;
  }

  /**
   * Adds a write to the transaction of the turn running in this async context; false when no
   * turn is being held back here (the caller then writes on its own).
   */
  alsoInTransaction(write: TurnWrite): boolean {
    const scope = this.scope.getStore();
    if (!scope || scope.closed) return false;
    scope.extras.push(write);
    return true;
  }

  async defer<T>(fn: () => Promise<T>): Promise<DeferredTurn<T>> {
    const scope: TurnScope = { state: new Map(), batches: new Map(), extras: [], closed: false };
    const result = await this.scope.run(scope, fn);
    const flusher = this.flusher;
    return {
      result,
      flush: async (trx) => {
        scope.closed = true;
        if (scope.state.size > 0) {
          if (!flusher) throw new Error('DeferredStateWrites: no storage attached to flush to');
          await flusher(trx, scope.state);
        }
        for (const [batch, items] of scope.batches) await batch.write(trx, items);
        for (const write of scope.extras) await write(trx);
      },
    };
  }
}
