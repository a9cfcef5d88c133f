import { ScopeError, type Message } from '../protocol/index.js';

/** Writes batched per turn: one owner delivery carries this many messages at most. */
export const MAX_BATCH = 1024;

const settled = Promise.resolve();

/**
 * Runs `fn` at the end of the current microtask turn. Not `queueMicrotask`: Node wraps each of
 * its callbacks in an AsyncResource, which costs about twice a promise reaction (~280 against
 * ~130 ns here), once per turn of every writer. `fn` must not throw.
 */
export function atTurnEnd(fn: () => void): void {
  void settled.then(fn);
}

/**
 * The owner's in-thread mailbox: a FIFO of validated messages, delivered as one batch at the end
 * of the current microtask turn, when a batch is full, or at once when someone must read
 * (`flush()`), so readers always see every write made before them.
 */
export class Mailbox {
  // Preallocated as large as the last batch and filled by index: growing an array by push while
  // a burst arrives costs more than the rest of queueing a message, and a full-size array for
  // the one write a reader flushes costs more than the write.
  #pending: Message[] = [];
  #count = 0;
  #scheduled = false;

  constructor(
    private readonly limit: number,
    private readonly deliver: (messages: Message[]) => void,
  ) {}

  get depth(): number {
    return this.#count;
  }

  post(message: Message): void {
    if (this.#count >= this.limit) {
      throw new ScopeError('MAILBOX_FULL', `the mailbox holds ${this.limit} messages not yet applied (mailboxLimit)`);
    }
    this.#pending[this.#count++] = message;
    if (this.#count >= MAX_BATCH) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      atTurnEnd(this.#onTurnEnd);
    }
  }

  flush(): void {
    if (this.#count === 0) return;
    const batch = this.#pending;
    batch.length = this.#count;
    this.#pending = new Array(this.#count);
    this.#count = 0;
    this.deliver(batch);
  }

  readonly #onTurnEnd = (): void => {
    this.#scheduled = false;
    this.flush();
  };
}
