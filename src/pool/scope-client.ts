import type { ScopeId, ScopeSnapshot } from '../scope/index.js';
import { PROTOCOL_VERSION as v, type CaptureMessage } from '../protocol/index.js';
import type { ForkOptions } from '../actors/handle.js';
import { MessageHandle } from '../actors/message-handle.js';
import type { Connection } from './connection.js';

/**
 * A scope handle in another thread: the same methods as the in-thread `ScopeRef`. Writes apply
 * at once to this handle's local view (so `snapshot()` shows them) and reach the owner in one
 * port message per turn, in order. `refresh()` asks the owner for its snapshot, with everyone's
 * writes; later `snapshot()` calls start from it. The owner's `beforeBreadcrumb` hook runs in
 * the owner only: its effect shows here after `refresh()`.
 * @throws ScopeError INVALID_MESSAGE for bad arguments (nothing changes), SCOPE_CLOSED after
 *   `close()`, SERVICE_CLOSED once the connection to the owner is gone, MAILBOX_FULL past the
 *   owner's `mailboxLimit` of unsent messages.
 * @example
 * scope.setTag('step', 'parse');      // visible in scope.snapshot() at once
 * const owner = await scope.refresh(); // with other senders' writes too
 */
export class ScopeClient extends MessageHandle {
  #connection: Connection | undefined;
  readonly #open: (() => Connection) | undefined;

  /** `connection` may be given as a function that opens it, called on first use: most pool tasks never touch their scope. */
  constructor(
    connection: Connection | (() => Connection),
    readonly id: ScopeId,
  ) {
    super();
    if (typeof connection === 'function') this.#open = connection;
    else this.#connection = connection;
  }

  private get connection(): Connection {
    return (this.#connection ??= this.#open!());
  }

  get closed(): boolean {
    return !this.connection.isOpen(this.id);
  }

  override fork(options?: ForkOptions): ScopeClient {
    return super.fork(options) as ScopeClient;
  }

  /** This handle's view: the starting snapshot (or the last refresh) plus its own writes. */
  snapshot(): ScopeSnapshot {
    return this.connection.view(this.id).snapshot();
  }

  /** The owner's authoritative snapshot, including other senders' writes. */
  refresh(): Promise<ScopeSnapshot> {
    return this.connection.refresh(this.id);
  }

  /** Resolves once the owner applied everything this connection sent; rejects with a refusal nobody awaited. */
  flush(): Promise<void> {
    return this.connection.drain();
  }

  /** Releases the scope; closing twice is harmless. A lent scope cannot be closed (INVALID_MESSAGE). */
  close(): void {
    if (this.closed) return;
    this.connection.write({ v, type: 'close', scope: this.id });
  }

  protected write(message: object): void {
    this.connection.write(message);
  }

  protected capture(message: CaptureMessage): Promise<string> {
    return this.connection.request(message) as Promise<string>;
  }

  protected child(id: ScopeId): ScopeClient {
    return new ScopeClient(this.connection, id);
  }

  protected allocateId(): ScopeId {
    return this.connection.allocateId();
  }
}
