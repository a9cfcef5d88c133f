import type { ScopeId, ScopeSnapshot } from '../scope/index.js';
import {
  decodeSnapshot,
  packBatch,
  PROTOCOL_VERSION as v,
  ScopeError,
  validateMessage,
  type Message,
  type MutationMessage,
  type PortInit,
  type PortReply,
  type SerializedScopeError,
} from '../protocol/index.js';
import { atTurnEnd, MAX_BATCH } from '../actors/mailbox.js';
import { ScopeEntry } from '../actors/scope-entry.js';
import type { Channel } from './link.js';
import { Waiters } from './waiters.js';

/**
 * A remote handle's end of a connection: the local views of the scopes it can reach (reduced by the
 * owner's own `ScopeEntry`, so reads show this side's writes at once), and the outgoing queue,
 * sent as one batch per turn within the credit the owner grants (`init.window` batches in
 * flight). Replies come back by batch `seq` and message index.
 */
export class Connection {
  readonly #views = new Map<ScopeId, ScopeEntry>();
  /** The owner's last snapshot per scope (the start: decoded on first use): what a `same` reply stands for. */
  readonly #fromOwner = new Map<ScopeId, ScopeSnapshot | (() => ScopeSnapshot)>();
  /** Per scope, one list per refresh in flight: the mutations written since it was sent, replayed onto its answer. */
  readonly #replays = new Map<ScopeId, MutationMessage[][]>();
  readonly #waiters = new Waiters();
  readonly #idle: Array<() => void> = [];
  readonly #refused: ScopeError[] = [];
  /** Unsent messages, already cut into batches of at most MAX_BATCH. */
  #batches: Message[][] = [];
  #unsent = 0;
  #scheduled = false;
  #seq = 0;
  /** The last batch whose ack was read (acks come in order). */
  #acked = 0;
  #inFlight = 0;
  #nextId = 0;
  #lost: ScopeError | undefined;
  /** Whether the port closed while something was unsent or unconfirmed. */
  #lostWork = false;

  constructor(
    private readonly channel: Channel,
    readonly init: PortInit,
  ) {
    // Decoded once, and only if this side reads the scope or refreshes it unchanged.
    let start: ScopeSnapshot | undefined;
    const load = () => (start ??= decodeSnapshot(init.snapshot));
    this.#views.set(init.scope, ScopeEntry.deferred(init.scope, init.snapshot.isolationId, load, init.maxBreadcrumbs));
    this.#fromOwner.set(init.scope, load);
    channel.listen(
      (reply) => this.#receive(reply),
      () => this.#disconnect(new ScopeError('SERVICE_CLOSED', 'the connection to the scope owner closed')),
    );
  }

  /** This side's view of `id`. @throws ScopeError SCOPE_CLOSED, SERVICE_CLOSED */
  view(id: ScopeId): ScopeEntry {
    if (this.#lost) throw this.#lost;
    const view = this.#views.get(id);
    if (!view) throw new ScopeError('SCOPE_CLOSED', `scope ${id} is closed`);
    return view;
  }

  isOpen(id: ScopeId): boolean {
    return !this.#lost && this.#views.has(id);
  }

  allocateId(): ScopeId {
    return `${this.init.prefix}.${(this.#nextId += 1)}`;
  }

  /** Validates `raw`, applies it to the local view and queues it. Throws, changing nothing, if refused. */
  write(raw: object): Message {
    if (this.#lost) throw this.#lost;
    if (this.#unsent >= this.init.mailboxLimit) {
      throw new ScopeError('MAILBOX_FULL', `${this.init.mailboxLimit} messages wait to be sent (mailboxLimit)`);
    }
    const message = validateMessage(raw, 'envelope');
    this.#applyLocally(message);
    const last = this.#batches.at(-1);
    if (last && last.length < MAX_BATCH) last.push(message);
    else {
      // Full batches go out now, not at the end of the turn: the owner applies them while this
      // side goes on writing. (Only full ones: a request registers its waiter after `write`.)
      if (last) this.#post();
      this.#batches.push([message]);
    }
    this.#unsent += 1;
    if (!this.#scheduled) {
      this.#scheduled = true;
      atTurnEnd(this.#flush);
    }
    return message;
  }

  /** Writes a message the owner answers (snapshot, capture) and resolves with the answer. */
  request(raw: object): Promise<unknown> {
    return this.#waiters.await(this.write(raw));
  }

  /** The owner's snapshot of `id`; the local view restarts from it (plus writes made meanwhile). */
  refresh(id: ScopeId): Promise<ScopeSnapshot> {
    // A promise chain, not an async function: the suspended frame and its await cost a refresh
    // ~420 instructions more (counted).
    try {
      this.view(id);
    } catch (error) {
      return Promise.reject(error);
    }
    const replay: MutationMessage[] = [];
    const pending = this.#replays.get(id);
    if (pending) pending.push(replay);
    else this.#replays.set(id, [replay]);
    return this.request({ v, type: 'snapshot', scope: id }).then((reply) => this.#refreshed(id, replay, reply as ScopeSnapshot | 'same'));
  }

  #refreshed(id: ScopeId, replay: MutationMessage[], reply: ScopeSnapshot | 'same'): ScopeSnapshot {
    // The scope's list stays, empty, until it closes: a Map that empties on every refresh
    // reallocates its table each time (V8 shrinks it on the last delete).
    const lists = this.#replays.get(id);
    if (lists?.length === 1 && lists[0] === replay) lists.pop(); // alone in flight, as mostly
    else lists?.splice(lists.indexOf(replay), 1);
    const known = this.#fromOwner.get(id)!;
    const snapshot = reply !== 'same' ? reply : typeof known === 'function' ? known() : known;
    if (snapshot !== known) this.#fromOwner.set(id, snapshot);
    const view = this.#views.get(id);
    // Unchanged on both sides: the view already is that snapshot, keep it (and its cached snapshot).
    if (view && !(reply === 'same' && replay.length === 0 && view.version === snapshot.version)) {
      const fresh = ScopeEntry.fromSnapshot(snapshot, this.init.maxBreadcrumbs);
      for (const message of replay) fresh.apply(message, this.init);
      this.#views.set(id, fresh);
    }
    return snapshot;
  }

  /**
   * Resolves once everything written so far was applied and answered; rejects with the first
   * ScopeError the owner returned for a write nobody awaited, so no refusal goes unnoticed.
   */
  async drain(): Promise<void> {
    this.#flush();
    if (!this.#isIdle()) await new Promise<void>((resolve) => this.#idle.push(resolve));
    if (this.#lost && (this.#lostWork || this.#unsent)) throw this.#lost;
    this.#raiseRefused();
  }

  /**
   * The end of a task: sends everything. Where the channel's owner collects what is left
   * (`Channel.collected`) and no reply is awaited, it returns at once, without waiting a round
   * trip for the last acks (refusals in them are the pool's to report); otherwise it drains.
   */
  async handOver(): Promise<void> {
    this.#flush();
    if (!this.channel.collected || this.#lost || this.#unsent || this.#waiters.pending) return this.drain();
    this.#raiseRefused();
  }

  /** Nothing was ever written, so there is nothing to send, close or wait for. */
  get untouched(): boolean {
    return this.#seq === 0 && this.#unsent === 0 && this.#views.size === 1;
  }

  /** Closes the scopes this side forked and left open (the root is the pool's to close). */
  closeForks(): void {
    for (const id of this.#views.keys()) {
      if (id !== this.init.scope && !this.#lost) this.write({ v, type: 'close', scope: id });
    }
  }

  disconnect(): void {
    this.channel.close(this.#acked);
  }

  #raiseRefused(): void {
    const refused = this.#refused.shift();
    this.#refused.length = 0;
    if (refused) throw refused;
  }

  #applyLocally(message: Message): void {
    switch (message.type) {
      case 'fork':
        this.#views.set(message.id, ScopeEntry.fork(this.view(message.scope), message));
        return;
      case 'close':
        this.view(message.scope);
        if (message.scope === this.init.scope && this.init.lent) {
          throw new ScopeError('INVALID_MESSAGE', `scope ${message.scope} is lent to this handle; its owner closes it`);
        }
        this.#views.delete(message.scope);
        this.#fromOwner.delete(message.scope);
        this.#replays.delete(message.scope);
        return;
      case 'snapshot':
      case 'capture':
        this.view(message.scope);
        return;
      default: {
        this.view(message.scope).apply(message, this.init);
        const replays = this.#replays.get(message.scope);
        if (replays) for (const replay of replays) replay.push(message);
      }
    }
  }

  readonly #flush = (): void => {
    this.#scheduled = false;
    this.#post();
  };

  #post(): void {
    while (this.#batches.length && this.#inFlight < this.init.window && !this.#lost) {
      const messages = this.#batches.shift()!;
      this.#unsent -= messages.length;
      const seq = (this.#seq += 1);
      this.#waiters.posted(seq, messages);
      this.#inFlight += 1;
      this.channel.post(packBatch(this.init.session, seq, messages));
    }
  }

  #receive(reply: PortReply): void {
    if (reply.type === 'ack') {
      this.#inFlight -= 1;
      this.#acked = reply.seq;
      for (const item of reply.replies) {
        const waiter = this.#waiters.take(reply.seq, item.index);
        if ('error' in item) {
          const error = ScopeError.fromJSON(item.error);
          if (waiter) waiter.reject(error);
          else this.#refused.push(error);
        } else waiter?.resolve('same' in item ? 'same' : item.snapshot);
      }
      this.#flush();
    } else {
      const waiter = this.#waiters.take(reply.seq, reply.index);
      if (reply.error) waiter?.reject(ScopeError.fromJSON(reply.error as SerializedScopeError));
      else waiter?.resolve(reply.eventId);
    }
    if (this.#idle.length && this.#isIdle()) for (const resolve of this.#idle.splice(0)) resolve();
  }

  #isIdle(): boolean {
    return this.#lost !== undefined || (this.#unsent === 0 && this.#inFlight === 0 && !this.#waiters.pending);
  }

  #disconnect(error: ScopeError): void {
    if (this.#lost) return;
    this.#lostWork = !this.#isIdle();
    this.#lost = error;
    this.#waiters.rejectAll(error);
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
