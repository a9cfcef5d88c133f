import { createActor, type Actor } from 'xstate';
import type { ScopeId, ScopeSnapshot } from '../scope/index.js';
import { ScopeError, type Message } from '../protocol/index.js';
import { Mailbox } from './mailbox.js';
import { ownerLogic, type OwnerInput, type Outcome } from './owner.js';
import type { ScopeEntry } from './scope-entry.js';

/**
 * The owner as it runs: the actor that applies every message (`ownerLogic`, a pure reducer) and
 * the mailbox that feeds it this thread's writes. Every read of its table comes through here, and
 * applies the queued writes first, so a reader sees every write made before it.
 */
export class RunningOwner {
  readonly #actor: Actor<typeof ownerLogic>;
  readonly #mailbox: Mailbox;
  /** Snapshots read from the table in place of a `snapshot` message applied: counted as applied. */
  #reads = 0;

  constructor(
    input: OwnerInput & { readonly mailboxLimit: number },
    /** What became of the queued writes, once applied: nobody waits for them, so the service settles them. */
    onQueued: (outcomes: Outcome[]) => void,
  ) {
    const { maxBreadcrumbs, beforeBreadcrumb, report } = input;
    this.#actor = createActor(ownerLogic, { input: { maxBreadcrumbs, beforeBreadcrumb, report } }).start();
    this.#mailbox = new Mailbox(input.mailboxLimit, (messages) => onQueued(this.apply(messages)));
  }

  /** Queues a validated write, applied at the end of the turn (or when someone reads). */
  post(message: Message): void {
    this.#mailbox.post(message);
  }

  /** Applies every queued write now. */
  flush(): void {
    this.#mailbox.flush();
  }

  /** Applies `messages` in order, after nothing else: the caller flushed the mailbox first. */
  apply(messages: readonly Message[]): Outcome[] {
    const outcomes: Outcome[] = new Array(messages.length);
    this.#actor.send({ type: 'deliver', messages, outcomes });
    return outcomes;
  }

  /** The entry for `id`, after every queued write. */
  entry(id: ScopeId): ScopeEntry | undefined {
    this.flush();
    return this.#actor.getSnapshot().context.scopes.get(id);
  }

  /**
   * The answer to a `snapshot` message, after every queued write: a read changes nothing, so the
   * actor need not apply it. @throws ScopeError UNKNOWN_SCOPE
   */
  read(id: ScopeId): ScopeSnapshot {
    const entry = this.entry(id);
    if (!entry) throw new ScopeError('UNKNOWN_SCOPE', `no live scope has id ${id}`);
    this.#reads += 1;
    return entry.snapshot();
  }

  /** Puts an entry built outside the owner in its table; false, changing nothing, if its id is taken. */
  adopt(entry: ScopeEntry): boolean {
    if (this.entry(entry.id)) return false;
    this.#actor.send({ type: 'adopt', entry });
    return true;
  }

  /** Live scopes, the messages applied (reads included) and refused, and the writes still queued. */
  counts(): { scopes: number; applied: number; rejected: number; queued: number } {
    const { scopes, applied, rejected } = this.#actor.getSnapshot().context;
    return { scopes: scopes.size, applied: applied + this.#reads, rejected, queued: this.#mailbox.depth };
  }

  /** Closes every scope and stops the actor; queued writes are applied first. */
  stop(): void {
    this.flush();
    this.#actor.send({ type: 'shutdown', closed: [] });
    this.#actor.stop();
  }
}
