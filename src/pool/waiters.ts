import type { Message, ScopeError } from '../protocol/index.js';
import { MAX_BATCH } from '../actors/mailbox.js';

type Waiter = { resolve: (value: unknown) => void; reject: (error: ScopeError) => void };

/**
 * The callers waiting for the owner's answer to a message: held by the message until its batch
 * is posted, then by the batch's `seq` and the message's index in it, where the reply names it.
 */
export class Waiters {
  /**
   * In the order their messages were written, so in batch order: a list, not a map keyed by the
   * message (an object key costs V8 an identity hash stored on each fresh message).
   */
  #unsent: Array<Waiter & { readonly message: Message }> = [];
  /**
   * By `replyKey(seq, index)`, plus a placeholder under key 0, which names no reply (batches
   * count from 1; a batch the owner could not read is answered as seq -1), held for good: a Map
   * that empties shrinks, reallocating its table, and a request answered alone would empty it
   * every time.
   */
  readonly #posted = new Map<number, Waiter | undefined>([[0, undefined]]);

  /** Resolves with the answer to `message`, or rejects with the owner's refusal. */
  await(message: Message): Promise<unknown> {
    return new Promise((resolve, reject) => void this.#unsent.push({ message, resolve, reject }));
  }

  /** Some answer is still to come for a posted batch. */
  get pending(): boolean {
    return this.#posted.size > 1;
  }

  /** Batch `seq` was posted with `messages`: their waiters now wait for its replies. */
  posted(seq: number, messages: readonly Message[]): void {
    let taken = 0;
    for (; taken < this.#unsent.length; taken++) {
      const waiter = this.#unsent[taken]!;
      const index = messages.indexOf(waiter.message);
      if (index < 0) break; // written into a later batch, as is everyone after it
      this.#posted.set(replyKey(seq, index), waiter);
    }
    // All taken (a request is mostly alone in its batch): emptied in place by pop, no new array
    // (a store to `length` goes through V8's runtime).
    if (taken === this.#unsent.length) while (taken--) this.#unsent.pop();
    else if (taken) this.#unsent = this.#unsent.slice(taken);
  }

  /** The waiter for message `index` of batch `seq`, no longer held here; undefined if nobody waits. */
  take(seq: number, index: number): Waiter | undefined {
    const key = replyKey(seq, index);
    const waiter = this.#posted.get(key);
    this.#posted.delete(key);
    return waiter;
  }

  /** Rejects everyone, sent or not. */
  rejectAll(error: ScopeError): void {
    for (const waiter of [...this.#unsent, ...this.#posted.values()]) waiter?.reject(error);
    this.#unsent = [];
    this.#posted.clear();
    this.#posted.set(0, undefined);
  }
}

/** One number per message of every batch: indexes run from -1 (the whole batch) to MAX_BATCH - 1. */
function replyKey(seq: number, index: number): number {
  return seq * (MAX_BATCH + 1) + index + 1;
}
