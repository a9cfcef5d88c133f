import { setMaxListeners } from 'node:events';
import { Piscina } from 'piscina';
import { PROTOCOL_VERSION, ScopeError } from '../protocol/index.js';
import type { ScopeRef, ScopeService } from '../actors/index.js';
import type { ScopedTaskMessage } from './worker.js';

/** The longest a failed task's port is given to deliver what it carried before it is closed anyway. */
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
 * `fork: false`, with the port and starting snapshot in the task message itself. `run()` settles
 * only after the owner applied every message the task sent; the task's fork and whatever the
 * task forked and left open are closed when it settles, however it settles (result, throw,
 * abort, a crashed worker). Piscina's options and run options pass through.
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
  /**
   * Aborted when the service closes. That cuts every task's port: a task still queued would start
   * with a dead port (its worker may never see the close) and one running would fail on its next
   * write, so both are aborted and every run() settles. One signal for all tasks: combining
   * signals per task (AbortSignal.any) costs more than piscina's whole dispatch.
   */
  readonly #cut = new AbortController();
  readonly #unsubscribe: () => void;

  constructor({ service, context, ...options }: ScopedPoolOptions) {
    this.#service = service;
    this.#context = context;
    this.piscina = new Piscina(options);
    setMaxListeners(0, this.#cut.signal); // piscina listens once per queued task
    this.#unsubscribe = service.onClosing(() => this.#cut.abort(new ScopeError('SERVICE_CLOSED', 'the scope service closed')));
  }

  /**
   * Runs `data` through the task with its scope.
   * @throws ScopeError INVALID_MESSAGE without a scope or context; SCOPE_CLOSED/SERVICE_CLOSED
   *   for a closed scope or service, also when the service closes while the task is queued or
   *   running; else whatever the task or piscina throws.
   */
  async run(data: T, { scope, fork = true, transferList = [], signal, ...options }: ScopedRunOptions = {}): Promise<R> {
    const base = scope ?? this.#context?.getCurrentScope();
    if (!base) throw new ScopeError('INVALID_MESSAGE', 'ScopedPool.run needs a scope, or a context to take the current scope from');
    const target = fork ? base.fork() : base;
    try {
      const { port, init, bridge } = this.#service.open(target, { lent: !fork });
      try {
        const task: ScopedTaskMessage<T> = { scopeActorTask: PROTOCOL_VERSION, data, port, init };
        const aborted = signal ? AbortSignal.any([signal as AbortSignal, this.#cut.signal]) : this.#cut.signal;
        return await this.piscina.run(task, { ...options, signal: aborted, transferList: [...transferList, port] as PiscinaRunOptions['transferList'] });
      } catch (error) {
        // A task that failed (threw, crashed, was aborted) may have sent messages still queued on
        // the port: its side closes when the thread lets go of it, after them, so wait for that.
        await Promise.race([bridge.closed, graceElapsed()]);
        // Closing the service cuts every connection: running tasks lose their port, queued ones cannot be sent.
        if (this.#service.closed) throw new ScopeError('SERVICE_CLOSED', 'the scope service closed before the task finished', { cause: error });
        throw error;
      } finally {
        bridge.release();
      }
    } finally {
      if (fork) target.close();
    }
  }

  /** As piscina's `close()`: waits for queued tasks (or not, with `force`). */
  close(options?: { force?: boolean }): Promise<void> {
    this.#unsubscribe();
    return this.piscina.close(options);
  }

  /** As piscina's `destroy()`: stops every worker now. */
  destroy(): Promise<void> {
    this.#unsubscribe();
    return this.piscina.destroy();
  }
}
