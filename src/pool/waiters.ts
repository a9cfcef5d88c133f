import type { Message, ScopeError } from '../protocol/index.js';
import { MAX_BATCH } from '../actors/mailbox.js';

type Waiter = { resolve: (value: unknown) => void; reject: (error: ScopeError) => void };

/**
 * The callers waiting for the owner's answer to a message: held by the message until its batch
 * is posted, then by the batch's `seq` and the message's index in it, where the reply names it.
 */
export class Waiters {
  readonly #unsent = new Map<Message, Waiter>();
  /** By `replyKey(seq, index)`. */
  readonly #posted = new Map<number, Waiter>();

  /** Resolves with the answer to `message`, or rejects with the owner's refusal. */
  await(message: Message): Promise<unknown> {
    return new Promise((resolve, reject) => this.#unsent.set(message, { resolve, reject }));
  }

  /** Some answer is still to come for a posted batch. */
  get pending(): boolean {
    return this.#posted.size > 0;
  }

  /** Batch `seq` was posted with `messages`: their waiters now wait for its replies. */
  posted(seq: number, messages: readonly Message[]): void {
    if (this.#unsent.size === 0) return;
    for (let index = 0; index < messages.length; index++) {
      const waiter = this.#unsent.get(messages[index]!);
      if (!waiter) continue;
      this.#unsent.delete(messages[index]!);
      this.#posted.set(replyKey(seq, index), waiter);
    }
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
    for (const waiter of [...this.#unsent.values(), ...this.#posted.values()]) waiter.reject(error);
    this.#unsent.clear();
    this.#posted.clear();
  }
}

/** One number per message of every batch: indexes run from -1 (the whole batch) to MAX_BATCH - 1. */
function replyKey(seq: number, index: number): number {
  return seq * (MAX_BATCH + 1) + index + 1;
}
