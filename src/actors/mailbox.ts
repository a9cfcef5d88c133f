import { ScopeError, type Message } from '../protocol/index.js';

/** Writes batched per turn: one owner delivery carries this many messages at most. */
export const MAX_BATCH = 1024;

/**
 * The owner's in-thread mailbox: a FIFO of validated messages, delivered as one batch at the end
 * of the current microtask turn, when a batch is full, or at once when someone must read
 * (`flush()`), so readers always see every write made before them.
 */
export class Mailbox {
  #pending: Message[] = [];
  #scheduled = false;

  constructor(
    private readonly limit: number,
    private readonly deliver: (messages: Message[]) => void,
  ) {}

  get depth(): number {
    return this.#pending.length;
  }

  post(message: Message): void {
    const pending = this.#pending;
    if (pending.length >= this.limit) {
      throw new ScopeError('MAILBOX_FULL', `the mailbox holds ${this.limit} messages not yet applied (mailboxLimit)`);
    }
    pending.push(message);
    if (pending.length >= MAX_BATCH) this.flush();
    else if (!this.#scheduled) {
      this.#scheduled = true;
      queueMicrotask(this.#onTurnEnd);
    }
  }

  flush(): void {
    if (this.#pending.length === 0) return;
    const batch = this.#pending;
    this.#pending = [];
    this.deliver(batch);
  }

  readonly #onTurnEnd = (): void => {
    this.#scheduled = false;
    this.flush();
  };
}
