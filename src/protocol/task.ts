import type { ScopeId } from '../scope/index.js';
import { invalid, ScopeError } from './errors.js';
import { PROTOCOL_VERSION } from './messages.js';
import type { PortInit } from './port.js';
import { fieldEnd, integerAt, SEP } from './text.js';

/** Opens every pool task message, so a worker can tell one from anything else piscina hands it. */
const TASK: TaskMessage<unknown>[0] = 'scope-actor/task';

/** A pool task's init: it runs over its thread's link, so it names its session. */
export type TaskInit = PortInit & { readonly session: string };

/**
 * What `ScopedPool.run` hands its worker: the caller's data, the session and scope, and the rest
 * of the connection's init as one string that every task forked from the same data shares, built
 * once (`tail`); a start encoding in shared memory rides after it, and the start's number last
 * (`TaskStarts`: after a start's first task, the number alone). Every task message is cloned by
 * the main thread and again by the worker, and structured clone pays per element: the init as
 * twelve elements cost a no-op task ~2,900 instructions more than this (both threads, counted);
 * one string for the whole init, joined per task, saved only ~300 (its joining and flattening ate
 * the rest).
 *
 * `tail` is `version SEP lent SEP maxBreadcrumbs SEP mailboxLimit SEP window SEP prefixLength SEP
 * isolationIdLength SEP prefix isolationId bytes`: `lent` is 0 or 1, an empty prefix stands for
 * the scope's own id (a task's fork names its forks under its own id), and `bytes`, the small
 * encoding's latin1 string, is empty when the encoding is shared. Ids are given by length, so
 * they may hold anything, SEP too.
 */
export type TaskMessage<T> =
  | readonly [marker: 'scope-actor/task', data: T, session: string, scope: ScopeId, tail: string]
  | readonly [marker: 'scope-actor/task', data: T, session: string, scope: ScopeId, tail: string, shared: Uint8Array]
  | readonly [marker: 'scope-actor/task', data: T, session: string, scope: ScopeId, tail: string, start: number]
  | readonly [marker: 'scope-actor/task', data: T, session: string, scope: ScopeId, tail: string, shared: Uint8Array, start: number];

// The tail of the last task packed: consecutive tasks forked from one scope share it. (It keeps
// that task's start encoding alive until another is packed: one encoding, shared anyway.)
let last: { readonly init: TaskInit; readonly tail: string } | undefined;

/** Numbers start encodings, across every pool of the process (a thread keeps them by number). */
let nextStart = 0;

/** A start encoding's data, as a task carries it: a latin1 string, or shared memory (see `EncodedSnapshot`). */
export type StartData = string | Uint8Array;

/**
 * A pool's task messages, where tasks forked from the same data after the first carry their start
 * encoding by number alone (`start`): its bytes (or its shared-memory view) are most of a task
 * message, and carrying them cost bare piscina 3–8 % of its throughput on no-op tasks. A worker
 * thread keeps what it was sent, by number, and asks the pool for a start it lacks (`data`): the
 * pool keeps each while a task that carries its number alone is in flight.
 */
export class TaskStarts {
  #last: { readonly init: TaskInit; readonly tail: string; bare: string | undefined; readonly start: number; sent: boolean } | undefined;
  /** By number: the data that tasks in flight carry by number alone, and how many such tasks there are. */
  readonly #owed = new Map<number, { readonly data: StartData; tasks: number }>();

  /** The task's message, and the start it carries by number alone (to `settle` when the task has), if it does. */
  pack<T>(data: T, init: TaskInit): [message: TaskMessage<T>, owed: number | undefined] {
    const { session, scope, snapshot } = init;
    let last = this.#last;
    if (!last || !sameTail(last.init, init)) last = this.#last = { init, tail: tailOf(init), bare: undefined, start: (nextStart += 1), sent: false };
    const { start } = last;
    if (!last.sent) {
      last.sent = true;
      const first: TaskMessage<T> = typeof snapshot.data === 'string' ? [TASK, data, session, scope, last.tail, start] : [TASK, data, session, scope, last.tail, snapshot.data, start];
      return [first, undefined];
    }
    const owed = this.#owed.get(start);
    if (owed) owed.tasks += 1;
    else this.#owed.set(start, { data: snapshot.data, tasks: 1 });
    // The tail without the bytes, made when a start is first carried by number (most are carried once).
    return [[TASK, data, session, scope, (last.bare ??= tailOf(init, '')), start], start];
  }

  /** A task that carried `start` by number alone has settled. */
  settle(start: number): void {
    const owed = this.#owed.get(start)!;
    if ((owed.tasks -= 1) === 0) this.#owed.delete(start);
  }

  /** The data of `start`, while a task in flight may ask for it; else undefined. */
  data(start: number): StartData | undefined {
    return this.#owed.get(start)?.data;
  }
}

export function packTask<T>(data: T, init: TaskInit): TaskMessage<T> {
  const { session, scope, snapshot } = init;
  if (!last || !sameTail(last.init, init)) last = { init, tail: tailOf(init) };
  return typeof snapshot.data === 'string' ? [TASK, data, session, scope, last.tail] : [TASK, data, session, scope, last.tail, snapshot.data];
}

function tailOf({ scope, snapshot, lent, prefix, maxBreadcrumbs, mailboxLimit, window }: TaskInit, bytes = typeof snapshot.data === 'string' ? snapshot.data : ''): string {
  const { version, isolationId } = snapshot;
  const ownPrefix = prefix === scope ? '' : prefix;
  return `${version}${SEP}${lent ? 1 : 0}${SEP}${maxBreadcrumbs}${SEP}${mailboxLimit}${SEP}${window}${SEP}${ownPrefix.length}${SEP}${isolationId.length}${SEP}${ownPrefix}${isolationId}${bytes}`;
}

function sameTail(a: TaskInit, b: TaskInit): boolean {
  const x = a.snapshot;
  const y = b.snapshot;
  return x.data === y.data && x.version === y.version && x.isolationId === y.isolationId && a.lent === b.lent &&
    (a.prefix === a.scope ? b.prefix === b.scope : a.prefix === b.prefix) &&
    a.maxBreadcrumbs === b.maxBreadcrumbs && a.mailboxLimit === b.mailboxLimit && a.window === b.window;
}

/** The task that `packTask` or `TaskStarts` packed. @throws ScopeError INVALID_MESSAGE for anything else. */
export function unpackTask<T>(message: unknown): UnpackedTask<T> {
  if (!Array.isArray(message) || message[0] !== TASK || message.length < 5 || message.length > 7) throw notATask();
  const [, data, session, scope, tail, sixth, seventh] = message as unknown[];
  if (typeof session !== 'string' || typeof scope !== 'string' || scope === '' || typeof tail !== 'string') throw notATask();
  const shared = sixth instanceof Uint8Array ? sixth : undefined;
  const start = shared ? seventh : sixth;
  // Five elements, then the shared encoding and the start's number, each if there.
  if (message.length !== 5 + (shared ? 1 : 0) + (start === undefined ? 0 : 1) || (start !== undefined && !isStart(start))) throw notATask();
  return new UnpackedTask(data as T, session, scope, tail, shared, start as number | undefined);
}

function isStart(value: unknown): value is number {
  return Number.isSafeInteger(value) && (value as number) > 0;
}

/** Asks the pool for a start this thread lacks (see `TaskStarts`); undefined when the pool no longer holds it. */
export type StartFetch = (start: number) => StartData | undefined;

/** The start encodings this thread was sent, by number: the most recent `KEPT_STARTS`. */
const kept = new Map<number, StartData>();
const KEPT_STARTS = 16;

/** A start's data: the one the message carries, else the one kept here, else the pool's. */
function startData(start: number, carried: StartData | undefined, fetch: StartFetch | undefined): StartData {
  const known = carried ?? kept.get(start) ?? fetch?.(start);
  if (known === undefined) throw fetch ? new ScopeError('SCOPE_CLOSED', 'the pool no longer holds this task\'s start (its task has settled)') : notATask();
  if (!kept.has(start)) {
    kept.set(start, known);
    if (kept.size > KEPT_STARTS) kept.delete(kept.keys().next().value!);
  }
  return known;
}

/** A task message read back: the data, session and scope at once, the rest of the init when the task first uses its scope. */
export class UnpackedTask<T> {
  #init: TaskInit | undefined;

  constructor(
    readonly data: T,
    readonly session: string,
    readonly scope: ScopeId,
    private readonly tail: string,
    private readonly shared: Uint8Array | undefined,
    private readonly start: number | undefined,
  ) {}

  /**
   * Read on first call; `fetch` gets a start carried by number that this thread lacks.
   * @throws ScopeError INVALID_MESSAGE when the tail is malformed or the start cannot be had.
   */
  init(fetch?: StartFetch): TaskInit {
    return (this.#init ??= this.#read(fetch));
  }

  #read(fetch: StartFetch | undefined): TaskInit {
    const { scope, session, shared, start } = this;
    const fields = new Fields(this.tail);
    const version = fields.integer();
    const lent = fields.integer();
    const maxBreadcrumbs = fields.integer();
    const mailboxLimit = fields.integer();
    const window = fields.integer();
    const prefixLength = fields.integer();
    const isolationLength = fields.integer();
    const prefix = fields.chars(prefixLength) || scope;
    const isolationId = fields.chars(isolationLength);
    const bytes = fields.rest();
    if (lent > 1 || isolationId === '' || (shared && bytes !== '')) throw notATask();
    const carried = shared ?? (bytes === '' ? undefined : bytes);
    const data = start === undefined ? (carried ?? '') : startData(start, carried, fetch);
    const snapshot = { id: scope, version, isolationId, data };
    return { v: PROTOCOL_VERSION, type: 'init', scope, snapshot, lent: lent === 1, prefix, maxBreadcrumbs, mailboxLimit, window, session };
  }
}

/** Reads a tail's fields in order, in place. */
class Fields {
  #at = 0;
  constructor(private readonly source: string) {}

  /** A non-negative integer up to the next SEP, passing it. */
  integer(): number {
    const at = this.#at;
    const n = integerAt(this.source, at, this.#past());
    if (n === undefined || n < 0) throw notATask();
    return n;
  }

  /** The next `count` characters. */
  chars(count: number): string {
    const at = this.#at;
    if (at + count > this.source.length) throw notATask();
    this.#at += count;
    return this.source.slice(at, this.#at);
  }

  /** Everything left. */
  rest(): string {
    return this.source.slice(this.#at);
  }

  /** Moves past the next SEP; returns where the field before it ended. */
  #past(): number {
    const end = fieldEnd(this.source, this.#at);
    if (end === this.source.length) throw notATask(); // no SEP: the tail ended early
    this.#at = end + 1;
    return end;
  }
}

function notATask() {
  return invalid('a pool task message comes from ScopedPool.run');
}
