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
import { GLOBAL_SCOPE_ID, isPlainObject, PROTOCOL_VERSION as v, type CaptureMessage, type ForkMessage } from '../protocol/index.js';
import { eventFromException, eventFromMessage } from './capture.js';
import type { ForkOptions, ScopeHandle } from './handle.js';
import { newTrace, uuid4 } from './ids.js';

/**
 * What every scope handle shares: each method is one protocol message. Subclasses decide where
 * messages go (the in-thread mailbox, a MessagePort) and how reads are answered.
 */
export abstract class MessageHandle implements ScopeHandle {
  abstract readonly id: ScopeId;
  abstract get closed(): boolean;
  /** Validates and sends one message (throwing ScopeError without effect when it is refused). */
  protected abstract write(message: object): void;
  /** Sends a capture and resolves to its event id once the owner's pipeline ran. */
  protected abstract capture(message: CaptureMessage): Promise<string>;
  /** Makes the handle of a child whose fork message was just written. */
  protected abstract child(id: ScopeId): MessageHandle;
  /** A scope id no other sender will choose. */
  protected abstract allocateId(): ScopeId;
  abstract snapshot(): ScopeSnapshot;
  abstract close(): void;

  setTag(key: string, value: Primitive): this {
    return this.#send({ v, type: 'setTag', scope: this.id, key, value });
  }
  setTags(tags: { [key: string]: Primitive }): this {
    return this.#send({ v, type: 'setTags', scope: this.id, tags });
  }
  setExtra(key: string, value: PlainValue): this {
    return this.#send({ v, type: 'setExtra', scope: this.id, key, value });
  }
  setExtras(extras: PlainObject): this {
    return this.#send({ v, type: 'setExtras', scope: this.id, extras });
  }
  /** `null` removes the context. */
  setContext(name: string, context: PlainObject | null): this {
    return this.#send({ v, type: 'setContext', scope: this.id, name, context });
  }
  /** `null` removes the user. */
  setUser(user: User | null): this {
    return this.#send({ v, type: 'setUser', scope: this.id, user });
  }
  setLevel(level: SeverityLevel): this {
    return this.#send({ v, type: 'setLevel', scope: this.id, level });
  }
  setFingerprint(fingerprint: readonly string[]): this {
    return this.#send({ v, type: 'setFingerprint', scope: this.id, fingerprint });
  }
  setTransactionName(name: string | undefined): this {
    return this.#send({ v, type: 'setTransactionName', scope: this.id, name });
  }
  /** Stored as `{ timestamp: now, ...crumb }` (stamped here, at the call); a message over 2048 characters is cut. */
  addBreadcrumb(crumb: BreadcrumbInput): this {
    // Always a copy of our own: the validator checks it in place (see `Ownership`), the log freezes it.
    const breadcrumb = !isPlainObject(crumb) ? crumb : crumb.timestamp === undefined ? { timestamp: Date.now() / 1000, ...crumb } : { ...crumb };
    return this.#send({ v, type: 'addBreadcrumb', scope: this.id, breadcrumb });
  }
  clearBreadcrumbs(): this {
    return this.#send({ v, type: 'clearBreadcrumbs', scope: this.id });
  }
  addAttachment(attachment: Attachment): this {
    return this.#send({ v, type: 'addAttachment', scope: this.id, attachment });
  }
  clearAttachments(): this {
    return this.#send({ v, type: 'clearAttachments', scope: this.id });
  }
  /** `sampleRand` is drawn here when absent. */
  setPropagationContext(context: PropagationContextInput): this {
    const propagationContext = typeof context === 'object' && context !== null && context.sampleRand === undefined ? { ...context, sampleRand: Math.random() } : context;
    return this.#send({ v, type: 'setPropagationContext', scope: this.id, propagationContext });
  }
  /** Empties the scope and starts a new trace, as Sentry's `clear()`. */
  clear(): this {
    return this.#send({ v, type: 'clear', scope: this.id, propagationContext: newTrace() });
  }

  /** A point-in-time copy of this scope (of the global scope: an empty one), usable at once. */
  fork(options: ForkOptions = {}): MessageHandle {
    const isolation = options.isolation === true;
    const id = this.allocateId();
    const propagationContext = isolation || this.id === GLOBAL_SCOPE_ID ? newTrace() : undefined;
    const message: ForkMessage = { v, type: 'fork', scope: this.id, id, isolation, propagationContext };
    this.write(message);
    return this.child(id);
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

  #send(message: object): this {
    this.write(message);
    return this;
  }

  async #capture(event: ScopeEvent, hint: EventHint | undefined): Promise<string> {
    const eventId = event?.event_id ?? hint?.event_id ?? uuid4();
    return this.capture({ v, type: 'capture', scope: this.id, eventId, event, ...(hint ? { hint } : {}) });
  }
}
