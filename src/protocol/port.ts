import type { ScopeId, ScopeSnapshot } from '../scope/index.js';
import { invalid, type SerializedScopeError } from './errors.js';
import { PROTOCOL_VERSION, type Batch, type Message, type SessionEnd } from './messages.js';
import type { EncodedSnapshot } from './start.js';
import { describe } from './validate.js';
import { ackFromText, ackText, batchFromText, batchText } from './text.js';

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

/**
 * On the wire every port message is one flat array, its kind first: structured clone pays per
 * object and per key, so an envelope as an object cost a refresh round trip ~2.6 µs more than
 * these. The messages of a batch, and the reply pairs of an ack, follow the header inline.
 * A batch or an ack that carries no values at all travels as text instead (text.ts).
 */
export type BatchWire = BatchArray | string;
type BatchArray = readonly ['batch', v: typeof PROTOCOL_VERSION, session: string | undefined, seq: number, ...messages: unknown[]];
export type EndWire = readonly ['end', v: typeof PROTOCOL_VERSION, session: string, seen: number];
/** `index, reply` pairs: `true` for `same`, else the snapshot or the serialized error. */
export type AckWire = readonly ['ack', v: typeof PROTOCOL_VERSION, session: string | undefined, seq: number, ...pairs: unknown[]];
export type CapturedWire = readonly [
  'captured', v: typeof PROTOCOL_VERSION, session: string | undefined, seq: number, index: number,
  eventId: string | undefined, error: SerializedScopeError | undefined,
];
export type ReplyWire = AckWire | CapturedWire | string;

/** Batch `seq` of `messages`, packed (see `packMessages`) after the header; as text when it carries no values. */
export function packBatch(session: string | undefined, seq: number, messages: readonly Message[]): BatchWire {
  const text = batchText(session, seq, messages);
  if (text !== undefined) return text;
  const wire: unknown[] = ['batch', PROTOCOL_VERSION, session, seq];
  packMessages(messages, wire);
  return wire as unknown as BatchWire;
}

export function packEnd(session: string, seen: number): EndWire {
  return ['end', PROTOCOL_VERSION, session, seen];
}

/** Checks what a remote posts: a batch (its messages are checked one by one by `validateMessage`) or a session's end. */
export function validatePortMessage(input: unknown): Batch | SessionEnd {
  if (typeof input === 'string') return batchFromText(input);
  if (!Array.isArray(input) || (input[0] !== 'batch' && input[0] !== 'end')) throw invalid('a port message must be a batch or a session end');
  const [type, version, session, count] = input as unknown[];
  if (version !== PROTOCOL_VERSION) throw invalid(`unsupported protocol version ${describe(version)}; this owner speaks ${PROTOCOL_VERSION}`);
  if (session !== undefined && typeof session !== 'string') throw invalid('session must be a string');
  if (type === 'end') {
    if (session === undefined || input.length !== 4) throw invalid('an end is [end, v, session, seen]');
    if (!Number.isSafeInteger(count) || (count as number) < 0) throw invalid('end.seen must be a batch number');
    return { v: PROTOCOL_VERSION, type, session, seen: count as number };
  }
  if (!Number.isSafeInteger(count)) throw invalid('batch.seq must be an integer');
  return { v: PROTOCOL_VERSION, type: 'batch', session: session as string | undefined, seq: count as number, messages: input.slice(4) };
}

export function packReply(reply: PortReply): ReplyWire {
  const { v, session, seq } = reply;
  if (reply.type === 'captured') return ['captured', v, session, seq, reply.index, reply.eventId, reply.error];
  const text = ackText(reply);
  if (text !== undefined) return text;
  const wire: unknown[] = ['ack', v, session, seq];
  for (const item of reply.replies) wire.push(item.index, 'same' in item ? true : 'error' in item ? item.error : item.snapshot);
  return wire as unknown as AckWire;
}

/**
 * The reply a remote was posted. Not validated beyond its kind: the owner is trusted, and only
 * this library's owner speaks to a handle. @throws ScopeError INVALID_MESSAGE for anything else.
 */
export function unpackReply(wire: unknown): PortReply {
  if (typeof wire === 'string') return ackFromText(wire);
  if (!Array.isArray(wire) || (wire[0] !== 'ack' && wire[0] !== 'captured')) throw invalid('a reply is an ack or a capture result');
  const [type, v, session, seq] = wire as [string, typeof PROTOCOL_VERSION, string | undefined, number];
  if (type === 'captured') return { v, type, session, seq, index: wire[4], eventId: wire[5], error: wire[6] };
  const replies: MessageReply[] = [];
  for (let i = 4; i < wire.length; i += 2) {
    const index = wire[i] as number;
    const reply = wire[i + 1] as true | ScopeSnapshot | SerializedScopeError;
    replies.push(reply === true ? { index, same: true } : isSerializedError(reply) ? { index, error: reply } : { index, snapshot: reply });
  }
  return { v, type: 'ack', session, seq, replies };
}

/** Told apart from a snapshot by its name: a snapshot has no `name` field. */
function isSerializedError(reply: ScopeSnapshot | SerializedScopeError): reply is SerializedScopeError {
  return (reply as SerializedScopeError).name === 'ScopeError';
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

/** The wire form of a batch's messages (runs of breadcrumbs packed), appended to `out`. */
export function packMessages(messages: readonly Message[], out: unknown[] = []): unknown[] {
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
export function unpackMessages(wire: readonly unknown[]): readonly unknown[] {
  let first = 0;
  while (first < wire.length && !isRun(wire[first])) first++;
  if (first === wire.length) return wire; // no runs (every refresh, and batches of other writes): nothing to copy
  const out = wire.slice(0, first);
  for (let j = first; j < wire.length; j++) {
    const item = wire[j];
    if (!isRun(item)) {
      out.push(item);
      continue;
    }
    const { v, scope, breadcrumbs } = item;
    for (let i = 0; i < breadcrumbs.length; i++) out.push({ v, type: 'addBreadcrumb', scope, breadcrumb: breadcrumbs[i] });
  }
  return out;
}

function isRun(item: unknown): item is BreadcrumbRun {
  const run = item as Partial<BreadcrumbRun> | null;
  return typeof run === 'object' && run !== null && run.type === 'addBreadcrumbs' && Array.isArray(run.breadcrumbs);
}
