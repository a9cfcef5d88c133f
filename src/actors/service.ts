import { MessageChannel, type MessagePort } from 'node:worker_threads';
import type { ScopeId, ScopeSnapshot } from '../scope/index.js';
import { GLOBAL_SCOPE_ID, ScopeError, validateMessage, type Message, type Ownership } from '../protocol/index.js';
import { Captures } from './capture.js';
import type { Outcome } from './owner.js';
import type { PortBridge, SessionLookup } from './port-bridge.js';
import { Remotes } from './remotes.js';
import { RunningOwner } from './running-owner.js';
import type { DeliveryResult, Session } from './session.js';
import type { ScopeEntry } from './scope-entry.js';
import type { ForkOptions } from './handle.js';
import { ScopeRef } from './scope-ref.js';
import { resolveOptions, type ResolvedOptions, type ScopeServiceOptions } from './options.js';
import type { ScopeServiceStats } from './stats.js';

export type { ScopeServiceOptions } from './options.js';
export type { ScopeServiceStats } from './stats.js';

/**
 * The scope service: one owner actor holding every scope. Create it with `createScopeService`.
 * Every mutation and fork is a message applied by the owner in mailbox order.
 * @example
 * const service = createScopeService();
 * service.global.setTag('service', 'checkout');
 * const scope = service.fork({ isolation: true });
 * service.stats(); // { scopes: 2, received: …, applied: …, … }
 */
export class ScopeService {
  /** The global scope: merged into every event, never copied into forks. */
  readonly global: ScopeRef;
  readonly #options: ResolvedOptions;
  readonly #owner: RunningOwner;
  readonly #captures: Captures;
  readonly #remotes: Remotes;
  #received = 0;
  #rejectedAtEntry = 0;
  #hookErrors = 0;
  #nextId = 0;
  #closing: Promise<void> | undefined;

  constructor(options: ScopeServiceOptions = {}) {
    this.#options = resolveOptions(options, (error, origin) => this.#report(error, origin));
    this.#owner = new RunningOwner(this.#options, (outcomes) => this.#settleQueued(outcomes));
    this.#captures = new Captures(this.#options);
    this.#remotes = new Remotes(this, this.#options);
    this.global = new ScopeRef(this, GLOBAL_SCOPE_ID);
  }

  /** A new scope forked from the global one: empty data and a fresh trace. */
  fork(options?: ForkOptions): ScopeRef {
    return this.global.fork(options);
  }

  /**
   * Sends one raw protocol message and applies it at once, after everything already queued.
   * Returns the snapshot for `snapshot`, a promise of the event id for `capture`, else undefined.
   * @throws ScopeError INVALID_MESSAGE, UNKNOWN_SCOPE, SCOPE_CLOSED, SERVICE_CLOSED.
   */
  send(message: unknown): undefined | ScopeSnapshot | Promise<string> {
    const [result] = this.deliver([message]);
    if (result instanceof ScopeError) throw result;
    return result;
  }

  /**
   * Validates and applies messages in order, each on its own: one bad message rejects only itself.
   * `ownership`: what the validator may keep uncopied. `admit` may refuse a valid message (by
   * throwing a ScopeError) before it is applied: a session checks its reach with it.
   * @internal
   */
  deliver(messages: readonly unknown[], ownership: Ownership = 'borrowed', admit?: (message: Message) => void): DeliveryResult[] {
    this.#received += messages.length;
    const results: DeliveryResult[] = new Array(messages.length);
    const writes: Message[] = [];
    const slots: number[] = [];
    // Plain loops: this runs once per port batch, and a closure per message showed in its profile.
    for (let i = 0; i < messages.length; i++) {
      try {
        this.#assertOpen();
        const message = validateMessage(messages[i], ownership);
        admit?.(message);
        if (message.type !== 'snapshot') {
          writes.push(message);
          slots.push(i);
          continue;
        }
        // A read changes nothing, so the owner need not apply it: it is answered from the owner's
        // table once every write before it was applied, as ScopeRef.snapshot() reads.
        this.#applyWrites(writes, slots, results);
        results[i] = this.#owner.read(message.scope);
      } catch (error) {
        this.#rejectedAtEntry += 1;
        results[i] = error as ScopeError;
      }
    }
    this.#applyWrites(writes, slots, results);
    return results;
  }

  /** Applies `writes` (after everything queued) and puts each outcome in its slot of `results`; empties both lists. */
  #applyWrites(writes: Message[], slots: number[], results: DeliveryResult[]): void {
    this.#owner.flush();
    if (writes.length === 0) return;
    // The owner's event keeps its own list: the caller's lists are refilled after this.
    const outcomes = this.#owner.apply(writes.splice(0));
    for (let j = 0; j < outcomes.length; j++) results[slots[j]!] = this.#settle(outcomes[j]);
    slots.length = 0;
  }

  /**
   * A MessagePort through which another thread reaches `scope` (lent: it may not close it) and
   * the scopes it forks. Transfer it to a Worker and call `connectScope(port)` there.
   * @throws ScopeError SCOPE_CLOSED or SERVICE_CLOSED.
   */
  connect(scope: ScopeRef): MessagePort {
    const session = this.session(scope, false, false);
    const { port1, port2 } = new MessageChannel();
    this.link(port1, () => session).serve(session);
    port1.postMessage(session.init);
    return port2;
  }

  /** Opens a connection to `scope` or to a fork of it (see `Remotes.session`). @internal */
  session(scope: ScopeRef, fork: boolean, shared: boolean): Session {
    return this.#remotes.session(scope, fork, shared);
  }

  /**
   * Serves a port whose messages name sessions found by `lookup`; the port and its sessions are
   * released when it closes or the service closes. @internal
   */
  link(port: MessagePort, lookup: SessionLookup, posted?: Int32Array): PortBridge {
    this.#assertOpen();
    return this.#remotes.link(port, lookup, posted);
  }

  stats(): ScopeServiceStats {
    const { scopes, applied, rejected, queued } = this.#owner.counts();
    return {
      scopes,
      received: this.#received,
      applied,
      rejected: rejected + this.#rejectedAtEntry,
      mailboxDepth: queued,
      captures: this.#captures.started,
      capturesPending: this.#captures.pending,
      hookErrors: this.#hookErrors,
    };
  }

  /** Applies what is queued, waits for running captures, closes every scope; later calls fail with SERVICE_CLOSED. */
  close(): Promise<void> {
    return (this.#closing ??= this.#shutdown());
  }

  get closed(): boolean {
    return this.#closing !== undefined;
  }

  /** Validates and queues one message from an in-thread ScopeRef. @internal */
  submit(message: unknown): void {
    this.#received += 1;
    try {
      this.#assertOpen();
      this.#owner.post(validateMessage(message, 'envelope'));
    } catch (error) {
      this.#rejectedAtEntry += 1;
      throw error;
    }
  }

  /** Applies every queued write now. @internal */
  flush(): void {
    this.#owner.flush();
  }

  /** The owner's entry for `id`, after every queued write. @internal */
  entry(id: ScopeId): ScopeEntry | undefined {
    return this.#owner.entry(id);
  }

  /** Whether `id` names a live scope, after every queued write. @internal */
  isLive(id: ScopeId): boolean {
    return this.#owner.entry(id) !== undefined;
  }

  /**
   * Puts `entry`, built outside the owner from data it handed out, in the owner's table; false
   * when its id was taken meanwhile (or the service closed), and the table is unchanged. @internal
   */
  adopt(entry: ScopeEntry): boolean {
    return !this.#closing && this.#owner.adopt(entry);
  }

  /** A scope id no one else will choose. @internal */
  allocateId(): ScopeId {
    return `s${(this.#nextId += 1)}`;
  }

  #assertOpen(): void {
    if (this.#closing) throw new ScopeError('SERVICE_CLOSED', 'the scope service is closed');
  }

  /** Queued writes have no caller to answer: their refusals go to `onError`, their captures run. */
  #settleQueued(outcomes: Outcome[]): void {
    for (let i = 0; i < outcomes.length; i++) {
      const outcome = outcomes[i];
      if (outcome === undefined) continue;
      if (outcome instanceof ScopeError) this.#report(outcome, 'mailbox');
      else this.#settle(outcome);
    }
  }

  #settle(outcome: Outcome): DeliveryResult {
    if (outcome === undefined || outcome instanceof ScopeError || !('message' in outcome)) return outcome;
    return this.#captures.start(outcome);
  }

  #report(error: unknown, origin: string): void {
    if (origin !== 'mailbox' && origin !== 'owner') this.#hookErrors += 1;
    try {
      this.#options.onError(error, origin);
    } catch {
      // The error reporter itself failed; there is no one left to tell.
    }
  }

  async #shutdown(): Promise<void> {
    this.#owner.flush();
    this.#remotes.release();
    await this.#captures.settle();
    this.#owner.stop();
  }
}

/**
 * Starts a scope service: the owner actor, its mailbox, and the global scope.
 * @throws TypeError / RangeError for bad options.
 * @example
 * const service = createScopeService({ maxBreadcrumbs: 50, onEvent: (event) => transport.send(event) });
 * const request = service.fork({ isolation: true }).setUser({ id: 'u-1' });
 * await request.captureException(new Error('boom'));
 * await service.close();
 */
export function createScopeService(options?: ScopeServiceOptions): ScopeService {
  return new ScopeService(options);
}
