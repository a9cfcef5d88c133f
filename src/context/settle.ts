/** Something that can be released; closing twice must be harmless. */
export interface Closable {
  close(): void;
}

/** Sentry's and the Promises/A+ test for "treat this as a promise". */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (typeof value === 'object' || typeof value === 'function') && value !== null && typeof (value as PromiseLike<unknown>).then === 'function';
}

/**
 * Runs `fn(resource)` and closes `resource` once `fn` has settled: at once after a sync return or
 * throw, or when the returned thenable resolves or rejects. `fn`'s outcome always wins: its value
 * is returned and its error rethrown as they are, never replaced by a failure to close.
 *
 * A thenable result comes back as a new native promise that settles with the same value or
 * reason after the close, so an awaiting caller never sees the resource still open, and a
 * rejection nobody handles is still reported as unhandled (attaching handlers to the original
 * promise and returning it would silence that).
 */
export function closeWhenSettled<T extends Closable, R>(resource: T, fn: (resource: T) => R): R {
  let result: R;
  try {
    result = fn(resource);
  } catch (error) {
    release(resource);
    throw error;
  }
  if (!isThenable(result)) {
    release(resource);
    return result;
  }
  return Promise.resolve(result).then(
    (value) => {
      release(resource);
      return value;
    },
    (error: unknown) => {
      release(resource);
      throw error;
    },
  ) as R;
}

/**
 * Closes without ever throwing. The one failure an in-thread close can meet is MAILBOX_FULL (a
 * `mailboxLimit` below one batch, filled in this turn); the mailbox drains in a microtask queued
 * before ours, so one retry then succeeds. Should it fail again the scope stays open, visible in
 * `stats().scopes`, and `service.close()` releases it.
 */
function release(resource: Closable): void {
  try {
    resource.close();
  } catch {
    queueMicrotask(() => {
      try {
        resource.close();
      } catch {
        // Left open on purpose: see above.
      }
    });
  }
}
