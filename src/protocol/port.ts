import type { ScopeId, ScopeSnapshot } from '../scope/index.js';
import { invalid, type SerializedScopeError } from './errors.js';
import { PROTOCOL_VERSION, type Batch, type Message, type SessionEnd } from './messages.js';
import type { EncodedSnapshot } from './start.js';
import { isPlainObject } from './values.js';
import { describe } from './validate.js';

/**
 * The MessagePort protocol between the owner and a remote handle (a worker's ScopeClient).
 * Worker → owner: `Batch` envelopes of protocol messages, one port message per turn.
 * Owner → worker: `PortReply`. The first thing a handle learns is `PortInit`, in the task
 * message of a pool task or as the first port message after `service.connect()`.
 */
export interface PortInit {
  readonly v: typeof PROTOCOL_VERSION;
  readonly type: 'init';
  /** The scope this connection was given. */
  readonly scope: ScopeId;
  /** Its snapshot when the connection opened, encoded: the start of the handle's local view. */
  readonly snapshot: EncodedSnapshot;
  /** A lent scope belongs to someone else: the handle may use it but not close it. */
  readonly lent: boolean;
  /** Every scope id this connection forks must start with `${prefix}.`. */
  readonly prefix: string;
  readonly maxBreadcrumbs: number;
  /** Messages a handle may hold unsent before it refuses writes with MAILBOX_FULL. */
  readonly mailboxLimit: number;
  /** Batches a handle may have sent and not yet seen acknowledged (credit-based flow). */
  readonly window: number;
  /**
   * Set when the connection runs over its thread's shared link (a pool task): every batch names
   * it, and the handle ends it with a `SessionEnd`. Absent on a port of the connection's own.
   */
  readonly session?: string;
}

/** The reply to message `index` of batch `seq`, when it has more to say than "applied". */
export type MessageReply =
  | { readonly index: number; readonly error: SerializedScopeError }
  | { readonly index: number; readonly snapshot: ScopeSnapshot }
  /** The snapshot is the one this connection was last sent for that scope: not sent again. */
  | { readonly index: number; readonly same: true };

export type PortReply =
  /** Batch `seq` (of `session`, on a link) was applied; returns one credit. */
  | { readonly v: typeof PROTOCOL_VERSION; readonly type: 'ack'; readonly session?: string; readonly seq: number; readonly replies: readonly MessageReply[] }
  /** The capture of message `index` of batch `seq` went through the pipeline (or failed). */
  | {
      readonly v: typeof PROTOCOL_VERSION;
      readonly type: 'captured';
      readonly session?: string;
      readonly seq: number;
      readonly index: number;
      readonly eventId?: string;
      readonly error?: SerializedScopeError;
    };

/** Checks what a remote posts: a batch envelope (its messages are checked one by one by `validateMessage`) or a session's end. */
export function validatePortMessage(input: unknown): Batch | SessionEnd {
  if (!isPlainObject(input) || (input.type !== 'batch' && input.type !== 'end')) throw invalid('a port message must be a batch envelope or a session end');
  if (input.v !== PROTOCOL_VERSION) throw invalid(`unsupported protocol version ${describe(input.v)}; this owner speaks ${PROTOCOL_VERSION}`);
  if (input.session !== undefined && typeof input.session !== 'string') throw invalid('session must be a string');
  if (input.type === 'end') {
    if (input.session === undefined) throw invalid('an end names its session');
    if (!Number.isSafeInteger(input.seen) || (input.seen as number) < 0) throw invalid('end.seen must be a batch number');
    return input as unknown as SessionEnd;
  }
  if (!Number.isSafeInteger(input.seq)) throw invalid('batch.seq must be an integer');
  if (!Array.isArray(input.messages)) throw invalid('batch.messages must be an array');
  return input as unknown as Batch;
}

/**
 * On the wire, a run of `addBreadcrumb` messages to one scope travels as one entry holding the
 * breadcrumbs alone: the run is the common case, and structured clone pays per object and per
 * key, so this halves the cost of sending and receiving it. Message indexes (in replies) still
 * count the messages one by one.
 */
export interface BreadcrumbRun {
  readonly v: typeof PROTOCOL_VERSION;
  readonly type: 'addBreadcrumbs';
  readonly scope: string;
  readonly breadcrumbs: readonly unknown[];
}

/** The wire form of a batch's messages: runs of breadcrumbs packed. */
export function packMessages(messages: readonly Message[]): Array<Message | BreadcrumbRun> {
  const out: Array<Message | BreadcrumbRun> = [];
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    const next = messages[i + 1];
    if (message.type !== 'addBreadcrumb' || next?.type !== 'addBreadcrumb' || next.scope !== message.scope) {
      out.push(message);
      continue;
    }
    const breadcrumbs: unknown[] = [];
    for (; i < messages.length && messages[i]!.type === 'addBreadcrumb' && messages[i]!.scope === message.scope; i++) {
      breadcrumbs.push((messages[i] as Message & { breadcrumb: unknown }).breadcrumb);
    }
    i -= 1;
    out.push({ v: PROTOCOL_VERSION, type: 'addBreadcrumbs', scope: message.scope, breadcrumbs });
  }
  return out;
}

/** The messages a batch's wire form stands for, one by one; anything else is left for the validator to judge. */
export function unpackMessages(wire: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const item of wire) {
    const run = item as Partial<BreadcrumbRun> | null;
    if (typeof run !== 'object' || run === null || run.type !== 'addBreadcrumbs' || !Array.isArray(run.breadcrumbs)) {
      out.push(item);
      continue;
    }
    const { v, scope, breadcrumbs } = run;
    for (let i = 0; i < breadcrumbs.length; i++) out.push({ v, type: 'addBreadcrumb', scope, breadcrumb: breadcrumbs[i] });
  }
  return out;
}
