/**
 * A deliberately simple reference model of the scope service: plain objects, full deep copies on
 * fork, merge rules written out by hand. Nothing here shares code with src/, so the model-based
 * test compares two independent implementations.
 */

export type Dict = Record<string, unknown>;

export interface ModelCrumb {
  timestamp: number;
  message?: string;
  category?: string;
  data?: Dict;
}

export interface ModelScope {
  id: string;
  isolationId: string;
  tags: Dict;
  extra: Dict;
  contexts: Dict;
  user: Dict | null;
  level: string | undefined;
  fingerprint: string[];
  transactionName: string | undefined;
  breadcrumbs: ModelCrumb[];
  attachments: Array<{ filename: string; data: string }>;
  /** Known only after an explicit setPropagationContext; random traces are not modelled. */
  traceId: string | undefined;
}

export interface Model {
  maxBreadcrumbs: number;
  /** Live scopes in creation order; index 0 is the global scope. */
  scopes: ModelScope[];
  /** Ids of scopes closed by the test, to try calls on. */
  closed: string[];
  serviceClosed: boolean;
}

/** A plain deep copy that keeps keys such as `__proto__` as data. */
export function deepCopy<T>(value: T): T {
  if (Array.isArray(value)) return value.map(deepCopy) as T;
  if (typeof value !== 'object' || value === null) return value;
  const out: Dict = {};
  for (const key of Object.keys(value)) put(out, key, deepCopy((value as Dict)[key]));
  return out as T;
}

/** `target[key] = value`, as data even for `__proto__`. */
export function put(target: Dict, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

export function emptyScope(id: string, isolationId: string): ModelScope {
  return {
    id,
    isolationId,
    tags: {},
    extra: {},
    contexts: {},
    user: null,
    level: undefined,
    fingerprint: [],
    transactionName: undefined,
    breadcrumbs: [],
    attachments: [],
    traceId: undefined,
  };
}

export function newModel(maxBreadcrumbs: number): Model {
  return { maxBreadcrumbs, scopes: [emptyScope('global', 'global')], closed: [], serviceClosed: false };
}

export function scopeOf(model: Model, id: string): ModelScope {
  const scope = model.scopes.find((s) => s.id === id);
  if (!scope) throw new Error(`model has no scope ${id}`);
  return scope;
}

/** Fork: of the global scope an empty scope; else a full copy. Isolation forks start a new trace. */
export function fork(model: Model, parentId: string, id: string, isolation: boolean): void {
  const parent = scopeOf(model, parentId);
  const isolationId = isolation ? id : parent.isolationId;
  const child = parentId === 'global' ? emptyScope(id, isolationId) : { ...deepCopy(parent), id, isolationId };
  if (isolation) child.traceId = undefined;
  model.scopes.push(child);
}

export function close(model: Model, id: string): void {
  model.scopes = model.scopes.filter((s) => s.id !== id);
  model.closed.push(id);
}

export function addBreadcrumb(model: Model, scope: ModelScope, crumb: ModelCrumb): void {
  if (model.maxBreadcrumbs === 0) return;
  const stored = deepCopy(crumb);
  if (stored.message !== undefined && stored.message.length > 2048) stored.message = `${stored.message.slice(0, 2048)}...`;
  scope.breadcrumbs.push(stored);
  while (scope.breadcrumbs.length > model.maxBreadcrumbs) scope.breadcrumbs.shift();
}

export function clear(scope: ModelScope): void {
  Object.assign(scope, emptyScope(scope.id, scope.isolationId));
}

export interface ModelEvent {
  message: string;
  level?: string;
  transaction?: string;
  tags?: Dict;
  extra?: Dict;
  user?: Dict;
  fingerprint?: string[];
  breadcrumbs?: ModelCrumb[];
}

/** What the captured event must hold: global, then scope, then the event's own fields (scope level wins). */
export function expectedEvent(global: ModelScope, scope: ModelScope, event: ModelEvent): Dict {
  const tags = { ...global.tags, ...scope.tags };
  const extra = { ...global.extra, ...scope.extra };
  const user = { ...global.user, ...scope.user };
  const contexts = { ...global.contexts, ...scope.contexts };
  const out: Dict = { message: event.message };
  out.tags = Object.keys(tags).length ? { ...tags, ...event.tags } : event.tags;
  out.extra = Object.keys(extra).length ? { ...extra, ...event.extra } : event.extra;
  out.user = Object.keys(user).length ? { ...user, ...event.user } : event.user;
  out.contexts = contexts;
  out.level = scope.level ?? global.level ?? event.level;
  out.transaction = scope.transactionName || global.transactionName || event.transaction;
  const fingerprint = [...(event.fingerprint ?? []), ...global.fingerprint, ...scope.fingerprint];
  out.fingerprint = fingerprint.length ? fingerprint : undefined;
  const breadcrumbs = [...(event.breadcrumbs ?? []), ...global.breadcrumbs, ...scope.breadcrumbs];
  out.breadcrumbs = breadcrumbs.length ? breadcrumbs : undefined;
  return out;
}
