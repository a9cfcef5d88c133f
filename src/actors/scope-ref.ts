import type { ScopeId, ScopeSnapshot } from '../scope/index.js';
import { GLOBAL_SCOPE_ID, PROTOCOL_VERSION as v, ScopeError, type CaptureMessage } from '../protocol/index.js';
import type { ForkOptions } from './handle.js';
import { MessageHandle } from './message-handle.js';
import type { ScopeEntry } from './scope-entry.js';
import type { ScopeService } from './service.js';

/**
 * An in-thread handle on one scope. Every call is a message to the owner; writes are queued and
 * applied in order at the end of the turn, and every read applies them first, so a reader always
 * sees its own writes. Setters return the handle for chaining.
 * @throws ScopeError SCOPE_CLOSED after `close()`, SERVICE_CLOSED after the service closed,
 *   INVALID_MESSAGE for bad arguments (nothing is changed then).
 * @example
 * const step = request.fork().setTag('step', 'charge').addBreadcrumb({ message: 'charging' });
 * step.snapshot().tags; // { …request's tags, step: 'charge' }, deep-frozen
 * step.close();
 */
export class ScopeRef extends MessageHandle {
  #closed = false;
  #entry: ScopeEntry | undefined;

  constructor(
    private readonly service: ScopeService,
    readonly id: ScopeId,
  ) {
    super();
  }

  get closed(): boolean {
    return this.#closed || this.service.closed || (this.#entry?.closed ?? false);
  }

  override fork(options?: ForkOptions): ScopeRef {
    return super.fork(options) as ScopeRef;
  }

  /** The scope's data now, deep-frozen; the same object until the scope changes. */
  snapshot(): ScopeSnapshot {
    this.#assertUsable();
    const entry = this.#resolve();
    if (!entry || entry.closed) throw new ScopeError('SCOPE_CLOSED', `scope ${this.id} is closed`);
    return entry.snapshot();
  }

  /**
   * Releases the scope; later calls throw SCOPE_CLOSED. Closing twice is harmless.
   * @throws ScopeError INVALID_MESSAGE for the global scope, which lives as long as the service.
   */
  close(): void {
    if (this.closed) return;
    if (this.id === GLOBAL_SCOPE_ID) throw new ScopeError('INVALID_MESSAGE', 'the global scope lives as long as the service; close the service instead');
    this.write({ v, type: 'close', scope: this.id });
    this.#closed = true;
  }

  protected write(message: object): void {
    if (this.#closed || this.service.closed || this.#entry?.closed) this.#assertUsable();
    this.service.submit(message);
  }

  protected async capture(message: CaptureMessage): Promise<string> {
    this.#assertUsable();
    return this.service.send(message) as Promise<string>;
  }

  protected child(id: ScopeId): ScopeRef {
    return new ScopeRef(this.service, id);
  }

  protected allocateId(): ScopeId {
    return this.service.allocateId();
  }

  /** The owner's entry, after every queued write; cached, as an entry lives as long as its scope. */
  #resolve(): ScopeEntry | undefined {
    if (!this.#entry) return (this.#entry = this.service.entry(this.id));
    this.service.flush();
    return this.#entry;
  }

  #assertUsable(): void {
    if (this.service.closed) throw new ScopeError('SERVICE_CLOSED', 'the scope service is closed');
    if (this.closed) throw new ScopeError('SCOPE_CLOSED', `scope ${this.id} is closed`);
  }
}
