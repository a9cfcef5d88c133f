import type { MessagePort } from 'node:worker_threads';
import { errorForThread, PROTOCOL_VERSION, ScopeError, type PortInit } from '../protocol/index.js';
import { isWorkerThread } from 'piscina';
import { Connection } from './connection.js';
import { portChannel, threadLink } from './link.js';
import { ScopeClient } from './scope-client.js';

export { ScopeClient } from './scope-client.js';

/**
 * What `ScopedPool.run` hands a worker: the caller's data and the connection's init, in one
 * message. The connection runs over the thread's link (`init.session` names it), not a port of its own.
 */
export interface ScopedTaskMessage<T> {
  readonly scopeActorTask: typeof PROTOCOL_VERSION;
  readonly data: T;
  readonly init: PortInit & { readonly session: string };
}

/**
 * Wraps a task function for a `ScopedPool` worker file (`export default scopedTask(...)`).
 * `fn` gets the caller's data and a ScopeClient on the task's scope. Scopes it forked and left
 * open are closed when it returns. What it sent is applied before `run()` settles: the task
 * returns once everything is posted (the pool reads the rest off the thread's link before it
 * takes the result), or, when more waits for credit or a reply, once the owner answered.
 * @throws the task's own error; else a ScopeError the owner returned for a write nobody awaited.
 * @example
 * export default scopedTask(async (job, scope) => {
 *   scope.setTag('job', job.id).addBreadcrumb({ message: 'start' });
 *   return work(job);
 * });
 */
export function scopedTask<T, R>(fn: (data: T, scope: ScopeClient) => R | Promise<R>): (task: ScopedTaskMessage<T>) => Promise<R> {
  // Opened as piscina loads the task file, so the offer reaches the pool before any task runs.
  if (isWorkerThread) threadLink();
  // A ScopeError crosses to the pool as a carrier: structured clone would drop its class and code.
  return (task) => runTask(fn, task).catch((error: unknown) => Promise.reject(errorForThread(error)));
}

async function runTask<T, R>(fn: (data: T, scope: ScopeClient) => R | Promise<R>, task: ScopedTaskMessage<T>): Promise<R> {
  if (task?.scopeActorTask !== PROTOCOL_VERSION) {
    throw new ScopeError('INVALID_MESSAGE', 'scopedTask received a task that did not come from ScopedPool.run');
  }
  const connection = new Connection(threadLink().channel(task.init.session), task.init);
  let result: R;
  try {
    result = await fn(task.data, new ScopeClient(connection, task.init.scope));
  } catch (error) {
    await settle(connection).catch(() => {});
    throw error;
  }
  if (connection.untouched) connection.disconnect(); // the common quick task: no turn spent settling
  else await settle(connection);
  return result;
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
