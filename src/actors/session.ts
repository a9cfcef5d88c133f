import type { ScopeData, ScopeId, ScopeSnapshot } from '../scope/index.js';
import { ScopeEntry } from './scope-entry.js';
import {
  PROTOCOL_VERSION as v,
  ScopeError,
  type Message,
  type MessageReply,
  type Ownership,
  type PortInit,
  type PortReply,
  unpackMessages,
} from '../protocol/index.js';
import type { PortBridge } from './port-bridge.js';

/** A message's result: nothing, a snapshot, an event id to come, or why it was rejected. */
export type DeliveryResult = undefined | ScopeSnapshot | Promise<string> | ScopeError;

/** What a session needs of the service: the one delivery path every sender uses. */
export interface DeliveryTarget {
  deliver(messages: readonly unknown[], ownership: Ownership, admit?: (message: Message) => void): DeliveryResult[];
  send(message: unknown): unknown;
  /** Whether `id` names a live scope now (after every queued write). */
  isLive(id: ScopeId): boolean;
  /** Puts a scope built outside the owner (a session's own fork, made when it opened) in the owner's table; false if its id is taken. */
  adopt(entry: ScopeEntry): boolean;
}

/**
 * The owner's side of one remote handle's connection, whatever carries it (a port of its own, or
 * a thread's shared link): its capability and what it was told. It reaches only the scope it was
 * given and the scopes it forked (ids under its prefix); on release, the forks it left open are
 * closed. A session opened on a fork of its own holds that fork's data aside until the remote first
 * sends something: a pool task that only reads, or does nothing, costs the owner no fork and no close.
 */
export class Session {
  /** Whether the remote still reaches `root` (not after it closed it, nor when its fork was never adopted). */
  #rootReachable = true;
  /** The scopes this session forked (its own root too, once adopted) and has not closed: released with it. */
  #forks: Set<ScopeId> | undefined;
  /** The last snapshot sent per scope, so an unchanged one is answered with `same` instead of a copy. */
  #sent: Map<ScopeId, ScopeSnapshot> | undefined;
  /** The first refusal of each recent batch, by seq: what the remote may not have read yet. */
  #refusals: Map<number, ScopeError> | undefined;
  #unread: ScopeError | undefined;
  /** The data of the session's own fork of its scope, not yet in the owner's table. */
  #aside: ScopeData | undefined;
  #released = false;
  #ended = false;
  #onEnded: (() => void) | undefined;
  #endedPromise: Promise<void> | undefined;

  /** The port that carries the session: on a shared link, the first to name it holds it alone. */
  carrier: PortBridge | undefined;

  // Most pool tasks never send anything: a session allocates its sets and maps only when used.
  constructor(
    private readonly target: DeliveryTarget,
    /** What the remote is told when it connects: its scope, the start of its view, its limits. */
    readonly init: PortInit,
    /**
     * The start itself: the lent scope's snapshot, or (not lent) the data of the session's own
     * fork, made into the fork's entry only if the remote ever sends something.
     */
    start: ScopeSnapshot | ScopeData,
  ) {
    if (init.lent) this.#sent = new Map([[init.scope, start as ScopeSnapshot]]);
    else this.#aside = start as ScopeData;
  }

  /** Names the session on a shared link; undefined on a port of its own. */
  get id(): string | undefined {
    return this.init.session;
  }

  /** The scope the session was opened on: the lent one, or its own fork. */
  get root(): ScopeId {
    return this.init.scope;
  }

  /** Settles when the remote said it is done (everything it sent came before) or the session was released. */
  get ended(): Promise<void> {
    if (this.#ended) return Promise.resolve();
    return (this.#endedPromise ??= new Promise<void>((resolve) => (this.#onEnded = resolve)));
  }

  get released(): boolean {
    return this.#released;
  }

  /** Whether the remote said it is done (or the session was released). */
  get finished(): boolean {
    return this.#ended;
  }

  /** The first refusal in a batch whose ack the remote had not read when it ended: nobody there saw it. */
  get unread(): ScopeError | undefined {
    return this.#unread;
  }

  /** Applies batch `seq` and answers through `post`: one ack now, a `captured` per capture later. */
  receive(seq: number, messages: readonly unknown[], post: (reply: PortReply) => void): void {
    const session = this.id;
    if (this.#aside && !this.#released) {
      // The fork's data was taken when the session opened; from now on the owner keeps it, and closes it on release.
      // Should a sender have taken its id meanwhile, that scope is not this session's: it reaches nothing by the name.
      const fork = new ScopeEntry(this.root, this.init.snapshot.isolationId, this.#aside);
      if (this.target.adopt(fork)) {
        (this.#forks ??= new Set()).add(this.root);
        this.#sentTo().set(this.root, fork.snapshot()); // the data the remote was told of, unchanged since
      } else this.#rootReachable = false;
      this.#aside = undefined;
    }
    // Fresh from a structured clone: nobody else holds these objects, so they are frozen in place.
    // One closure per session, made on its first batch (most pool tasks' sessions never get one).
    const admit = (this.#admitter ??= (message) => this.#admit(message));
    const results = this.target.deliver(unpackMessages(messages), 'cloned', admit);
    const replies: MessageReply[] = [];
    for (let index = 0; index < results.length; index++) {
      const result = results[index];
      if (result === undefined) continue;
      if (result instanceof ScopeError) {
        replies.push({ index, error: result.toJSON() });
        this.#remember(seq, result);
      }
      else if (result instanceof Promise) this.#whenCaptured(seq, index, result, post);
      else if (this.#sent?.get(result.id) === result) replies.push({ index, same: true });
      else {
        this.#sentTo().set(result.id, result);
        replies.push({ index, snapshot: result });
      }
    }
    post({ v, type: 'ack', session, seq, replies });
  }

  /** The remote is done: everything it sent for this session came before; it read the acks up to batch `seen`. */
  end(seen = Infinity): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#refusals) {
      for (const [seq, error] of this.#refusals) {
        if (seq > seen) {
          this.#unread = error;
          break;
        }
      }
      this.#refusals = undefined;
    }
    this.#onEnded?.();
  }

  #remember(seq: number, error: ScopeError): void {
    const refusals = (this.#refusals ??= new Map());
    if (refusals.has(seq)) return;
    // A remote sends batch `seq` only once it read the acks up to `seq - window`.
    for (const old of refusals.keys()) if (old <= seq - this.init.window) refusals.delete(old);
    refusals.set(seq, error);
  }

  #sentTo(): Map<ScopeId, ScopeSnapshot> {
    return (this.#sent ??= new Map());
  }

  /** Closes every scope this session forked and did not close. Idempotent. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#aside = undefined;
    this.end();
    if (this.#forks) {
      for (const id of this.#forks) {
        try {
          this.target.send({ v, type: 'close', scope: id });
        } catch {
          // Already gone (closed by the service, or never created): nothing left to release.
        }
      }
      this.#forks = undefined;
    }
    this.#sent = undefined;
  }

  #admitter: ((message: Message) => void) | undefined;

  /** Runs before each message is applied, in order, so forks earlier in a batch are reachable later in it. */
  #admit(message: Message): void {
    if (this.#released || !(message.scope === this.root ? this.#rootReachable : this.#forks?.has(message.scope))) {
      throw new ScopeError('UNKNOWN_SCOPE', `this connection cannot reach scope ${message.scope}`);
    }
    if (message.type === 'fork') {
      if (!message.id.startsWith(`${this.init.prefix}.`)) {
        throw new ScopeError('INVALID_MESSAGE', `fork ids of this connection must start with ${this.init.prefix}.`);
      }
      // Checked here, not left to the owner: reach is granted before the fork is applied, so a fork
      // of an id someone else already holds would otherwise hand this connection their scope.
      if (this.target.isLive(message.id)) throw new ScopeError('INVALID_MESSAGE', `scope id ${message.id} is already taken`);
      (this.#forks ??= new Set()).add(message.id);
    } else if (message.type === 'close') {
      if (message.scope === this.root && this.init.lent) {
        throw new ScopeError('INVALID_MESSAGE', `scope ${this.root} is lent to this connection; its owner closes it`);
      }
      if (message.scope === this.root) this.#rootReachable = false;
      this.#forks?.delete(message.scope);
      this.#sent?.delete(message.scope);
    }
  }

  #whenCaptured(seq: number, index: number, capture: Promise<string>, post: (reply: PortReply) => void): void {
    const session = this.id;
    capture.then(
      (eventId) => post({ v, type: 'captured', session, seq, index, eventId }),
      (error: unknown) => {
        const failure = error instanceof ScopeError ? error : new ScopeError('INVALID_MESSAGE', String(error));
        post({ v, type: 'captured', session, seq, index, error: failure.toJSON() });
      },
    );
  }
}
