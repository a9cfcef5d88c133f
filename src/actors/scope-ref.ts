import type {
  Attachment,
  BreadcrumbInput,
  EventHint,
  PlainObject,
  PlainValue,
  Primitive,
  PropagationContextInput,
  ScopeEvent,
  ScopeId,
  ScopeSnapshot,
  SeverityLevel,
  User,
} from '../scope/index.js';
import { GLOBAL_SCOPE_ID, PROTOCOL_VERSION as v, ScopeError } from '../protocol/index.js';
import { eventFromException, eventFromMessage } from './capture.js';
import { newTrace, uuid4 } from './ids.js';
import type { ForkOptions, ScopeHandle } from './handle.js';
import type { ScopeEntry } from './scope-entry.js';
import type { ScopeService } from './service.js';

/**
 * An in-thread handle on one scope. Every call is a message to the owner; writes are queued and
 * applied in order at the end of the turn, and every read applies them first, so a reader always
 * sees its own writes. Setters return the handle for chaining.
 * @throws ScopeError SCOPE_CLOSED after `close()`, SERVICE_CLOSED after the service closed,
 *   INVALID_MESSAGE for bad arguments (nothing is changed then).
 */
export class ScopeRef implements ScopeHandle {
  #closed = false;
  #entry: ScopeEntry | undefined;

  constructor(
    private readonly service: ScopeService,
    readonly id: ScopeId,
  ) {}

  get closed(): boolean {
    return this.#closed || this.service.closed || (this.#entry?.closed ?? false);
  }

  setTag(key: string, value: Primitive): this {
    return this.#write({ v, type: 'setTag', scope: this.id, key, value });
  }
  setTags(tags: { [key: string]: Primitive }): this {
    return this.#write({ v, type: 'setTags', scope: this.id, tags });
  }
  setExtra(key: string, value: PlainValue): this {
    return this.#write({ v, type: 'setExtra', scope: this.id, key, value });
  }
  setExtras(extras: PlainObject): this {
    return this.#write({ v, type: 'setExtras', scope: this.id, extras });
  }
  /** `null` removes the context. */
  setContext(name: string, context: PlainObject | null): this {
    return this.#write({ v, type: 'setContext', scope: this.id, name, context });
  }
  /** `null` removes the user. */
  setUser(user: User | null): this {
    return this.#write({ v, type: 'setUser', scope: this.id, user });
  }
  setLevel(level: SeverityLevel): this {
    return this.#write({ v, type: 'setLevel', scope: this.id, level });
  }
  setFingerprint(fingerprint: readonly string[]): this {
    return this.#write({ v, type: 'setFingerprint', scope: this.id, fingerprint });
  }
  setTransactionName(name: string | undefined): this {
    return this.#write({ v, type: 'setTransactionName', scope: this.id, name });
  }
  /** Stored as `{ timestamp: now, ...crumb }`; a message over 2048 characters is cut. */
  addBreadcrumb(crumb: BreadcrumbInput): this {
    const breadcrumb = typeof crumb === 'object' && crumb !== null && crumb.timestamp === undefined ? { timestamp: Date.now() / 1000, ...crumb } : crumb;
    return this.#write({ v, type: 'addBreadcrumb', scope: this.id, breadcrumb });
  }
  clearBreadcrumbs(): this {
    return this.#write({ v, type: 'clearBreadcrumbs', scope: this.id });
  }
  addAttachment(attachment: Attachment): this {
    return this.#write({ v, type: 'addAttachment', scope: this.id, attachment });
  }
  clearAttachments(): this {
    return this.#write({ v, type: 'clearAttachments', scope: this.id });
  }
  setPropagationContext(context: PropagationContextInput): this {
    const propagationContext = typeof context === 'object' && context !== null && context.sampleRand === undefined ? { ...context, sampleRand: Math.random() } : context;
    return this.#write({ v, type: 'setPropagationContext', scope: this.id, propagationContext });
  }
  /** Empties the scope and starts a new trace, as Sentry's `clear()`. */
  clear(): this {
    return this.#write({ v, type: 'clear', scope: this.id, propagationContext: newTrace() });
  }

  /** A point-in-time copy of this scope (of the global scope: an empty one). */
  fork(options: ForkOptions = {}): ScopeRef {
    const isolation = options.isolation === true;
    const id = this.service.allocateId();
    const trace = isolation || this.id === GLOBAL_SCOPE_ID ? { propagationContext: newTrace() } : {};
    this.#write({ v, type: 'fork', scope: this.id, id, isolation, ...trace });
    return new ScopeRef(this.service, id);
  }

  /** The scope's data now, deep-frozen; the same object until the scope changes. */
  snapshot(): ScopeSnapshot {
    this.#assertUsable();
    const entry = this.#resolve();
    if (!entry || entry.closed) throw new ScopeError('SCOPE_CLOSED', `scope ${this.id} is closed`);
    return entry.snapshot();
  }

  captureException(exception: unknown, hint?: EventHint): Promise<string> {
    return this.#capture(eventFromException(exception), { originalException: exception, ...hint });
  }
  captureMessage(message: string, level?: SeverityLevel): Promise<string> {
    return this.#capture(eventFromMessage(message, level), undefined);
  }
  captureEvent(event: ScopeEvent, hint?: EventHint): Promise<string> {
    return this.#capture(event, hint);
  }

  /** Releases the scope; later calls throw SCOPE_CLOSED. Closing twice is harmless. */
  close(): void {
    if (this.closed) return;
    this.#write({ v, type: 'close', scope: this.id });
    this.#closed = true;
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

  #write(message: object): this {
    if (this.#closed || this.service.closed || this.#entry?.closed) this.#assertUsable();
    this.service.submit(message);
    return this;
  }

  async #capture(event: ScopeEvent, hint: EventHint | undefined): Promise<string> {
    this.#assertUsable();
    const eventId = event?.event_id ?? hint?.event_id ?? uuid4();
    return this.service.send({ v, type: 'capture', scope: this.id, eventId, event, ...(hint ? { hint } : {}) }) as Promise<string>;
  }
}
