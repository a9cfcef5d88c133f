import type { ScopeId } from '../scope/index.js';
import { invalid } from './errors.js';
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
 * once (`tail`); a start encoding in shared memory rides after it. Every task message is cloned by
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
  | readonly [marker: 'scope-actor/task', data: T, session: string, scope: ScopeId, tail: string, shared: Uint8Array];

// The tail of the last task packed: consecutive tasks forked from one scope share it. (It keeps
// that task's start encoding alive until another is packed: one encoding, shared anyway.)
let last: { readonly init: TaskInit; readonly tail: string } | undefined;

export function packTask<T>(data: T, init: TaskInit): TaskMessage<T> {
  const { session, scope, snapshot } = init;
  if (!last || !sameTail(last.init, init)) last = { init, tail: tailOf(init) };
  return typeof snapshot.data === 'string' ? [TASK, data, session, scope, last.tail] : [TASK, data, session, scope, last.tail, snapshot.data];
}

function tailOf({ scope, snapshot, lent, prefix, maxBreadcrumbs, mailboxLimit, window }: TaskInit): string {
  const { version, isolationId, data } = snapshot;
  const ownPrefix = prefix === scope ? '' : prefix;
  const bytes = typeof data === 'string' ? data : '';
  return `${version}${SEP}${lent ? 1 : 0}${SEP}${maxBreadcrumbs}${SEP}${mailboxLimit}${SEP}${window}${SEP}${ownPrefix.length}${SEP}${isolationId.length}${SEP}${ownPrefix}${isolationId}${bytes}`;
}

function sameTail(a: TaskInit, b: TaskInit): boolean {
  const x = a.snapshot;
  const y = b.snapshot;
  return x.data === y.data && x.version === y.version && x.isolationId === y.isolationId && a.lent === b.lent &&
    (a.prefix === a.scope ? b.prefix === b.scope : a.prefix === b.prefix) &&
    a.maxBreadcrumbs === b.maxBreadcrumbs && a.mailboxLimit === b.mailboxLimit && a.window === b.window;
}

/** The task that `packTask` packed. @throws ScopeError INVALID_MESSAGE for anything else. */
export function unpackTask<T>(message: unknown): UnpackedTask<T> {
  if (!Array.isArray(message) || message[0] !== TASK || message.length < 5 || message.length > 6) throw notATask();
  const [, data, session, scope, tail, shared] = message as unknown[];
  if (typeof session !== 'string' || typeof scope !== 'string' || scope === '' || typeof tail !== 'string') throw notATask();
  if (shared !== undefined && !(shared instanceof Uint8Array)) throw notATask();
  return new UnpackedTask(data as T, session, scope, tail, shared);
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
  ) {}

  /** Read on first call. @throws ScopeError INVALID_MESSAGE when the tail is malformed. */
  init(): TaskInit {
    return (this.#init ??= this.#read());
  }

  #read(): TaskInit {
    const { scope, session, shared } = this;
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
    const snapshot = { id: scope, version, isolationId, data: shared ?? bytes };
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
