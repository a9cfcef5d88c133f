import { Piscina } from 'piscina';
import { errorFromThread, ScopeError, TaskStarts, type TaskInit } from '../protocol/index.js';
import type { ScopeRef, ScopeService } from '../actors/index.js';
import type { PortBridge } from '../actors/port-bridge.js';
import type { Session } from '../actors/session.js';
import { answerStart, isLinkOffer, isStartRequest, type LinkOffer } from './link.js';
import type { ScopedTaskMessage } from './worker.js';

/** The longest a failed task is given to deliver what it sent before its session is released anyway. */
const CLOSE_GRACE_MS = 5_000;

function graceElapsed(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
}

type PiscinaOptions = NonNullable<ConstructorParameters<typeof Piscina>[0]>;
type PiscinaRunOptions = NonNullable<Parameters<Piscina['run']>[1]>;

export interface ScopedPoolOptions extends PiscinaOptions {
  service: ScopeService;
  /** With a context, `run()` without a `scope` forks the context's current scope. */
  context?: { getCurrentScope(): ScopeRef };
}

export interface ScopedRunOptions extends PiscinaRunOptions {
  /** The scope the task works in; default: the context's current scope. */
  scope?: ScopeRef;
  /** true (default): the task gets a fresh fork of `scope`, closed after. false: it writes to `scope` itself. */
  fork?: boolean;
}

/**
 * A piscina pool whose tasks carry a scope. Each `run()` hands the task (a `scopedTask` in the
 * worker file) a handle on a fresh fork of the given scope, or on the scope itself with
 * `fork: false`, with its starting snapshot in the task message itself. Each worker thread talks
 * to the owner over one link of its own, offered once through piscina's `message` event (see
 * `isLinkOffer`), which carries the sessions of every task it runs. `run()` settles only after
 * the owner applied every message the task sent; the task's fork and whatever the task forked
 * and left open are closed when it settles, however it settles (result, throw, abort, a crashed
 * worker). Piscina's options and run options pass through.
 * @example
 * const pool = new ScopedPool({ service, filename: new URL('./task.js', import.meta.url).href });
 * const result = await pool.run({ id: 7 }, { scope: request });
 * await pool.close();
 */
export class ScopedPool<T = unknown, R = unknown> {
  /** The underlying pool, for its metrics and events. */
  readonly piscina: Piscina<ScopedTaskMessage<T>, R>;
  readonly #service: ScopeService;
  readonly #context: ScopedPoolOptions['context'];
  /** Every thread's link: an array, as `run()` walks it after each task and a Set's iterator cost that walk ~400 instructions. */
  readonly #links: PortBridge[] = [];
  /** Sessions of the tasks in flight, by id; the link that first names one holds it alone. */
  readonly #sessions = new Map<string, Session>();
  /** The tasks' messages, each start after its first carried by number. */
  readonly #starts = new TaskStarts();

  constructor({ service, context, ...options }: ScopedPoolOptions) {
    this.#service = service;
    this.#context = context;
    this.piscina = new Piscina(options);
    this.piscina.on('message', (message: unknown) => {
      if (isLinkOffer(message)) this.#serveLink(message);
      else if (isStartRequest(message)) answerStart(message, this.#starts.data(message.start));
    });
  }

  /**
   * Runs `data` through the task with its scope.
   * @throws ScopeError INVALID_MESSAGE without a scope or context; SCOPE_CLOSED/SERVICE_CLOSED
   *   for a closed scope or service; SERVICE_CLOSED when the service closes before the task is
   *   done (a task queued or running then still runs, and its writes fail); a write the owner
   *   refused that the task did not see (its own refusals make the task throw them); else
   *   whatever the task or piscina throws.
   */
  run(data: T, options: ScopedRunOptions = {}): Promise<R> {
    // A promise chain, not an async function: the function's frame, its promise and its await
    // cost each task ~650 instructions and ~330 bytes more (counted) on the pool's main thread,
    // the thread that bounds a pool's throughput.
    let session: Session | undefined;
    let owed: number | undefined;
    let result: Promise<R>;
    try {
      session = this.#open(options);
      let message;
      [message, owed] = this.#starts.pack(data, session.init as TaskInit); // shared: it names its session
      // Handed to piscina whole: it reads only its own options, and a rest copy cost each task an object.
      // No signal of ours: piscina runs an abortable task alone on its thread (concurrentTasksPerWorker
      // would be void) and pays for a listener per task. A task outliving the service fails below.
      result = this.piscina.run(message, options);
    } catch (error) {
      return session ? this.#failed(session, error, owed) : Promise.reject(error);
    }
    const opened = session;
    return result.then(
      (value) => this.#done(opened, value, owed),
      (error: unknown) => this.#failed(opened, error, owed),
    );
  }

  /** As piscina's `close()`: waits for queued tasks (or not, with `force`). */
  close(options?: { force?: boolean }): Promise<void> {
    return this.piscina.close(options);
  }

  /** As piscina's `destroy()`: stops every worker now. */
  destroy(): Promise<void> {
    return this.piscina.destroy();
  }

  #open({ scope, fork = true }: ScopedRunOptions): Session {
    const base = scope ?? this.#context?.getCurrentScope();
    if (!base) throw new ScopeError('INVALID_MESSAGE', 'ScopedPool.run needs a scope, or a context to take the current scope from');
    const session = this.#service.session(base, fork, true);
    this.#sessions.set(session.id!, session);
    return session;
  }

  /**
   * The task returned: its value, once what it sent is applied and none of it was refused unseen.
   * `owed`: the start the task carried by number alone (see `TaskStarts`), settled with it.
   */
  #done(session: Session, value: R, owed: number | undefined): R | Promise<R> {
    try {
      // A task returns without waiting for its last acks: what it posted is already queued on
      // its thread's link (posted before the result), so it is taken off now and applied.
      if (!session.finished) this.#drainLinks();
      if (session.unread) throw session.unread;
      // Unfinished here means it sent nothing, or it sent into a link the closing service had cut.
      if (!session.finished && this.#service.closed) throw new ScopeError('SERVICE_CLOSED', 'the scope service closed while the task ran');
    } catch (error) {
      return this.#failed(session, error, owed);
    }
    this.#release(session, owed);
    return value;
  }

  /**
   * The task failed (threw, crashed, was aborted) or what it sent was refused. What it sent may
   * still be queued: takes what is there, then waits for the task's end or its thread's link closing.
   */
  async #failed(session: Session, error: unknown, owed: number | undefined): Promise<never> {
    try {
      this.#drainLinks();
      if (session.carrier) await Promise.race([session.ended, session.carrier.closed, graceElapsed()]);
      const failure = errorFromThread(error);
      if (this.#service.closed && !ScopeError.is(failure, 'SERVICE_CLOSED')) {
        throw new ScopeError('SERVICE_CLOSED', 'the scope service closed before the task finished', { cause: failure });
      }
      throw failure;
    } finally {
      this.#release(session, owed);
    }
  }

  /** Closes the task's fork with whatever else the task left open (a task that sent nothing has none). */
  #release(session: Session, owed: number | undefined): void {
    this.#sessions.delete(session.id!);
    session.release();
    if (owed !== undefined) this.#starts.settle(owed);
  }

  /** Applies what every thread's link holds already: the ordering `run()` relies on (see `PortBridge.drain`). */
  #drainLinks(): void {
    const links = this.#links;
    for (let i = 0; i < links.length; i++) links[i]!.drain();
  }

  #serveLink({ port, posted }: LinkOffer): void {
    if (this.#service.closed) return void port.close();
    const link = this.#service.link(port, (id) => this.#claim(id, link), posted instanceof Int32Array ? posted : undefined);
    link.closed.then(() => {
      const at = this.#links.indexOf(link);
      if (at >= 0) this.#links.splice(at, 1);
    });
    this.#links.push(link);
    port.unref(); // the tasks keep the pool busy; an idle link must not keep the process alive
  }

  #claim(id: string | undefined, link: PortBridge): Session | undefined {
    const session = id === undefined ? undefined : this.#sessions.get(id);
    if (!session || (session.carrier && session.carrier !== link)) return undefined;
    session.carrier = link;
    return session;
  }
}
