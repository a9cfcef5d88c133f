import type { EventHint, Mutation, PropagationContext, ScopeEvent, ScopeId } from '../scope/index.js';

/** Bumped on any change a peer on the other side of a port would misread. */
export const PROTOCOL_VERSION = 1;

/** A message body with the protocol version and the scope it is for. */
export type Addressed<T> = T & { readonly v: typeof PROTOCOL_VERSION; readonly scope: ScopeId };

/** A change to the data of scope `scope`. */
export type MutationMessage = Addressed<Mutation>;

/** Creates scope `id` as a point-in-time copy of `scope` (empty when `scope` is the global one). */
export type ForkMessage = Addressed<{
  readonly type: 'fork';
  /** Chosen by the sender so it can use the child at once; the owner rejects a taken id. */
  readonly id: ScopeId;
  readonly isolation?: boolean;
  /** The new trace of an isolation fork (or of a fork of the global scope). */
  readonly propagationContext?: PropagationContext;
}>;

export type CloseMessage = Addressed<{ readonly type: 'close' }>;

/** Merges global, scope and event data and hands the event to the service's pipeline. */
export type CaptureMessage = Addressed<{
  readonly type: 'capture';
  readonly eventId: string;
  readonly event: ScopeEvent;
  readonly hint?: EventHint;
}>;

/** Asks for the owner's snapshot of `scope`. */
export type SnapshotMessage = Addressed<{ readonly type: 'snapshot' }>;

export type Message = MutationMessage | ForkMessage | CloseMessage | CaptureMessage | SnapshotMessage;
export type MessageType = Message['type'];

/** Several messages from one sender in one port message; applied in order, each on its own. */
export interface Batch {
  readonly v: typeof PROTOCOL_VERSION;
  readonly type: 'batch';
  /** The session it belongs to, on a link that carries several (a pool worker thread's). */
  readonly session?: string;
  /** Grows by one per batch from a sender, so the receiver can acknowledge and detect gaps. */
  readonly seq: number;
  readonly messages: readonly unknown[];
}

/** On a link: the sender is done with `session`; everything it sent for it came before. */
export interface SessionEnd {
  readonly v: typeof PROTOCOL_VERSION;
  readonly type: 'end';
  readonly session: string;
  /**
   * The last batch whose ack the sender had read (0: none). It did not wait for the later ones,
   * so a refusal in them reached nobody there: the pool reports it.
   */
  readonly seen: number;
}

export const GLOBAL_SCOPE_ID: ScopeId = 'global';
