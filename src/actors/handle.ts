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

export interface ForkOptions {
  /** Start a new isolation scope (a unit of concurrency: a request, a job) with a fresh trace. */
  isolation?: boolean;
}

/**
 * What every scope handle offers, in-thread (`ScopeRef`) or in a worker (`ScopeClient`): writes
 * are messages to the owner, `snapshot()` shows the handle's own writes at once.
 */
export interface ScopeHandle {
  readonly id: ScopeId;
  readonly closed: boolean;
  setTag(key: string, value: Primitive): this;
  setTags(tags: { [key: string]: Primitive }): this;
  setExtra(key: string, value: PlainValue): this;
  setExtras(extras: PlainObject): this;
  setContext(name: string, context: PlainObject | null): this;
  setUser(user: User | null): this;
  setLevel(level: SeverityLevel): this;
  setFingerprint(fingerprint: readonly string[]): this;
  setTransactionName(name: string | undefined): this;
  addBreadcrumb(crumb: BreadcrumbInput): this;
  clearBreadcrumbs(): this;
  addAttachment(attachment: Attachment): this;
  clearAttachments(): this;
  setPropagationContext(context: PropagationContextInput): this;
  clear(): this;
  fork(options?: ForkOptions): ScopeHandle;
  snapshot(): ScopeSnapshot;
  captureException(exception: unknown, hint?: EventHint): Promise<string>;
  captureMessage(message: string, level?: SeverityLevel): Promise<string>;
  captureEvent(event: ScopeEvent, hint?: EventHint): Promise<string>;
  close(): void;
}
