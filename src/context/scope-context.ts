import { AsyncLocalStorage } from 'node:async_hooks';
import type { ScopeRef, ScopeService } from '../actors/index.js';
import { closeWhenSettled } from './settle.js';

/**
 * What the AsyncLocalStorage holds: two references, frozen. Entering a context stores a new
 * frame and never changes the one outside it (as OpenTelemetry's Context), so async code that
 * captured a frame keeps seeing exactly the scopes it started with.
 */
export interface ScopeFrame {
  /** The scope that `getCurrentScope()` returns. */
  readonly scope: ScopeRef;
  /** The unit of concurrency (a request, a job) the current scope belongs to. */
  readonly isolationScope: ScopeRef;
}

/**
 * Scopes carried through async code with AsyncLocalStorage. Made by `createScopeContext`; the
 * functions do not use `this`, so they may be destructured.
 *
 * If the service is closed while a context is active, nothing in the context changes: the
 * getters keep returning the same handles, whose use then throws ScopeError SERVICE_CLOSED;
 * `fn`'s outcome is still returned or rethrown unchanged (closing its scope is a no-op then);
 * entering a new context throws SERVICE_CLOSED before `fn` is called.
 */
export interface ScopeContext {
  /**
   * Forks the current isolation scope into a new isolation scope (outside any context:
   * `service.fork({ isolation: true })`, an empty one) and runs `fn(scope)` with it as both the
   * isolation scope and the current scope. The new scope is closed when `fn` settles (sync
   * return or throw, promise resolve or reject); `fn`'s value is returned and its error rethrown
   * unchanged, a promise as a new promise settling the same way after the close.
   * Like every fork this copies the parent's data: it starts from the isolation scope, not from
   * the current scope, so data written only on a `withScope` child is not carried over.
   * @throws ScopeError SERVICE_CLOSED when the service is closed, SCOPE_CLOSED when the current
   *   isolation scope was closed; `fn` is not called then.
   */
  withIsolationScope<R>(fn: (scope: ScopeRef) => R): R;
  /**
   * Forks the current scope (outside any context: the global scope, so an empty scope) and runs
   * `fn(scope)` with it as the current scope; the isolation scope stays as it was. Closing,
   * results and errors as `withIsolationScope`.
   * @throws ScopeError SERVICE_CLOSED when the service is closed, SCOPE_CLOSED when the current
   *   scope was closed; `fn` is not called then.
   */
  withScope<R>(fn: (scope: ScopeRef) => R): R;
  /** The scope of the innermost active context; outside any context, `service.global`. */
  getCurrentScope(): ScopeRef;
  /** The isolation scope of the innermost active context; outside any context, `service.global`. */
  getIsolationScope(): ScopeRef;
}

/**
 * Creates a context API over `service`, with its own AsyncLocalStorage. One per service is the
 * usual setup; contexts from different calls do not see each other's scopes.
 * @example
 * const { withIsolationScope, getCurrentScope } = createScopeContext(service);
 * await withIsolationScope(async (scope) => {
 *   scope.setUser({ id: 'u-1' });
 *   await handle(request); // anything inside can call getCurrentScope()
 * });
 */
export function createScopeContext(service: ScopeService): ScopeContext {
  const storage = new AsyncLocalStorage<ScopeFrame>();
  const enter = <R>(frame: ScopeFrame, fn: (scope: ScopeRef) => R): R =>
    storage.run(Object.freeze(frame), () => closeWhenSettled(frame.scope, fn));
  const getCurrentScope = (): ScopeRef => storage.getStore()?.scope ?? service.global;
  const getIsolationScope = (): ScopeRef => storage.getStore()?.isolationScope ?? service.global;

  return Object.freeze({
    withIsolationScope<R>(fn: (scope: ScopeRef) => R): R {
      const scope = getIsolationScope().fork({ isolation: true });
      return enter({ scope, isolationScope: scope }, fn);
    },
    withScope<R>(fn: (scope: ScopeRef) => R): R {
      const scope = getCurrentScope().fork();
      return enter({ scope, isolationScope: getIsolationScope() }, fn);
    },
    getCurrentScope,
    getIsolationScope,
  });
}
