import type { MessagePort } from 'node:worker_threads';
import { errorForThread, PROTOCOL_VERSION, ScopeError, unpackTask, type PortInit, type TaskMessage } from '../protocol/index.js';
import { isWorkerThread } from 'piscina';
import { Connection } from './connection.js';
import { fetchStart, portChannel, threadLink } from './link.js';
import { ScopeClient } from './scope-client.js';

export { ScopeClient } from './scope-client.js';

// What `ScopedPool.run` hands a worker, under the name pool users know it by.
export type { TaskMessage as ScopedTaskMessage } from '../protocol/index.js';

/**
 * Wraps a task function for a `ScopedPool` worker file (`export default scopedTask(...)`).
 * `fn` gets the caller's data and a ScopeClient on the task's scope. Scopes it forked and left
 * open are closed when it returns. What it sent is applied before `run()` settles: the task
 * returns once everything is posted (the pool reads the rest off the thread's link before it
 * takes the result), or, when more waits for credit or a reply, once the owner answered. A
 * synchronous `fn` that wrote nothing returns its value at once, not a promise.
 * @throws the task's own error; else a ScopeError the owner returned for a write nobody awaited.
 * @example
 * export default scopedTask(async (job, scope) => {
 *   scope.setTag('job', job.id).addBreadcrumb({ message: 'start' });
 *   return work(job);
 * });
 */
export function scopedTask<T, R>(fn: (data: T, scope: ScopeClient) => R | Promise<R>): (task: TaskMessage<T>) => R | Promise<R> {
  // Opened as piscina loads the task file, so the offer reaches the pool before any task runs.
  if (isWorkerThread) threadLink();
  return (task) => runTask(fn, task);
}

function runTask<T, R>(fn: (data: T, scope: ScopeClient) => R | Promise<R>, task: TaskMessage<T>): R | Promise<R> {
  let connection: Connection | undefined;
  let result: R | Promise<R>;
  try {
    const unpacked = unpackTask<T>(task);
    // Opened when the task first uses its scope: a task that never does costs no connection, and reads no more of its init.
    const open = () => (connection ??= new Connection(threadLink().channel(unpacked.session), unpacked.init(fetchStart)));
    result = fn(unpacked.data, new ScopeClient(open, unpacked.scope));
  } catch (error) {
    return failed(error, connection);
  }
  // A task that returned at once and sent nothing returns at once: no promise, no turn spent settling.
  if (!isThenable(result) && (!connection || connection.untouched)) {
    connection?.disconnect();
    return result;
  }
  return completed(result, () => connection);
}

async function completed<R>(result: R | PromiseLike<R>, connection: () => Connection | undefined): Promise<R> {
  let value: R;
  try {
    value = await result;
  } catch (error) {
    return failed(error, connection());
  }
  const used = connection();
  try {
    if (used?.untouched) used.disconnect(); // the common quick task: no turn spent settling
    else if (used) await settle(used);
  } catch (error) {
    throw errorForThread(error);
  }
  return value;
}

/**
 * A failed task's error: thrown at once when the task opened no connection, else once what it
 * sent was delivered. A ScopeError crosses to the pool as a carrier: structured clone would drop
 * its class and code.
 */
function failed(error: unknown, connection: Connection | undefined): Promise<never> {
  if (!connection) throw errorForThread(error);
  return settle(connection)
    .catch(() => {})
    .then(() => {
      throw errorForThread(error);
    });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return typeof (value as PromiseLike<unknown> | null)?.then === 'function';
}

/**
 * The client for a port from `service.connect(scope)`, in any thread (any Worker, not only
 * piscina's). Resolves once the owner's greeting arrived on the port.
 * @throws ScopeError INVALID_MESSAGE (as a rejection) when the port's first message is not the owner's greeting.
 * @example
 * // main: new Worker(file, { workerData: { port: service.connect(scope) }, transferList: [port] })
 * const scope = await connectScope(workerData.port);
 * scope.setTag('thread', 'worker');
 * await scope.flush();
 */
export function connectScope(port: MessagePort): Promise<ScopeClient> {
  return new Promise((resolve, reject) => {
    // `on`, not `once`: a MessagePort's `once` hands over the MessageEvent, not the data.
    const greet = (init: PortInit): void => {
      port.off('message', greet);
      if (init?.type !== 'init' || init.v !== PROTOCOL_VERSION) {
        reject(new ScopeError('INVALID_MESSAGE', 'the port did not come from service.connect()'));
        return;
      }
      resolve(new ScopeClient(new Connection(portChannel(port), init), init.scope));
    };
    port.on('message', greet);
  });
}

async function settle(connection: Connection): Promise<void> {
  try {
    connection.closeForks();
    await connection.handOver();
  } finally {
    connection.disconnect();
  }
}
