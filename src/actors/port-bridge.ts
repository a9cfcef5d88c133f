import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import type { ScopeId, ScopeSnapshot } from '../scope/index.js';
import {
  PROTOCOL_VERSION as v,
  ScopeError,
  validateBatch,
  type Message,
  type MessageReply,
  type Ownership,
  type PortReply,
} from '../protocol/index.js';
import type { DeliveryResult } from './service.js';

/** What a bridge needs of the service: the one delivery path every sender uses. */
export interface DeliveryTarget {
  deliver(messages: readonly unknown[], ownership: Ownership, admit?: (message: Message) => void): DeliveryResult[];
  send(message: unknown): unknown;
  /** Whether `id` names a live scope now (after every queued write). */
  isLive(id: ScopeId): boolean;
}

/**
 * The owner's end of one MessagePort. It feeds the port's batches into the service's delivery
 * path, acknowledges each batch once applied (which returns the sender a credit), and enforces
 * the connection's capability: it reaches only the scope it was given and the scopes it forked
 * (ids under its own prefix). When the port closes, for whatever reason (the handle closed it,
 * the worker exited or crashed, the service closed), the scopes it forked and left open are closed.
 */
export class PortBridge {
  readonly #reachable = new Set<ScopeId>();
  readonly #forked = new Set<ScopeId>();
  /** The last snapshot sent per scope, so an unchanged one is answered with `same` instead of a copy. */
  readonly #sent = new Map<ScopeId, ScopeSnapshot>();
  #released = false;
  #onClosed!: () => void;
  /** Settles when the port has closed from the other side (or was released): all it carried was applied. */
  readonly closed = new Promise<void>((resolve) => (this.#onClosed = resolve));
  /** The port emitted 'close': every message it held was dispatched (and it must not be read again). */
  #portClosed = false;

  constructor(
    private readonly target: DeliveryTarget,
    readonly port: MessagePort,
    readonly root: ScopeId,
    readonly prefix: string,
    /** A lent scope belongs to someone else: the handle may use it but not close it. */
    private readonly lent: boolean,
    private readonly onRelease: (bridge: PortBridge) => void,
    initial: ScopeSnapshot,
  ) {
    this.#reachable.add(root);
    this.#sent.set(root, initial);
    port.on('message', (data: unknown) => this.#receive(data));
    port.on('close', () => {
      this.#portClosed = true;
      this.release();
    });
  }

  /**
   * Applies what the other side already posted, then closes the port and every scope this
   * connection forked and did not close. Idempotent.
   * A worker that crashed or was aborted posted its last batches before it died, but its pool may
   * report the death before those batches are dispatched here (they travel on another channel):
   * they sit in this port's queue, and closing the port would drop them. Taking them off the
   * queue synchronously keeps "what was sent before the fault is kept" independent of timing.
   * (Not after 'close': the queue is empty then, and Node 20 crashes reading a closed port.)
   */
  release(): void {
    if (this.#released) return;
    // Released first: no acknowledgement goes out from here on, so the other side gets no new
    // credit and the drain below ends after at most `window` batches, however fast it sends.
    this.#released = true;
    while (!this.#portClosed) {
      const left = receiveMessageOnPort(this.port);
      if (!left) break;
      this.#receive(left.message);
    }
    this.#onClosed();
    this.port.close();
    for (const id of this.#forked) {
      try {
        this.target.send({ v, type: 'close', scope: id });
      } catch {
        // Already gone (closed by the service, or never created): nothing left to release.
      }
    }
    this.#forked.clear();
    this.#sent.clear();
    this.onRelease(this);
  }

  #receive(data: unknown): void {
    let seq = -1;
    let results: DeliveryResult[];
    try {
      seq = validateBatch(data).seq;
      // Fresh from a structured clone: nobody else holds these objects, so they are frozen in place.
      results = this.target.deliver((data as { messages: unknown[] }).messages, 'cloned', (message) => this.#admit(message));
    } catch (error) {
      const refused = error instanceof ScopeError ? error : new ScopeError('INVALID_MESSAGE', String(error));
      this.#post({ v, type: 'ack', seq, replies: [{ index: -1, error: refused.toJSON() }] });
      return;
    }
    const replies: MessageReply[] = [];
    results.forEach((result, index) => {
      if (result === undefined) return;
      if (result instanceof ScopeError) replies.push({ index, error: result.toJSON() });
      else if (result instanceof Promise) this.#whenCaptured(seq, index, result);
      else if (this.#sent.get(result.id) === result) replies.push({ index, same: true });
      else {
        this.#sent.set(result.id, result);
        replies.push({ index, snapshot: result });
      }
    });
    this.#post({ v, type: 'ack', seq, replies });
  }

  /** Runs before each message is applied, in order, so forks earlier in a batch are reachable later in it. */
  #admit(message: Message): void {
    if (!this.#reachable.has(message.scope)) {
      throw new ScopeError('UNKNOWN_SCOPE', `this connection cannot reach scope ${message.scope}`);
    }
    if (message.type === 'fork') {
      if (!message.id.startsWith(`${this.prefix}.`)) {
        throw new ScopeError('INVALID_MESSAGE', `fork ids of this connection must start with ${this.prefix}.`);
      }
      // Checked here, not left to the owner: reach is granted before the fork is applied, so a fork
      // of an id someone else already holds would otherwise hand this connection their scope.
      if (this.target.isLive(message.id)) throw new ScopeError('INVALID_MESSAGE', `scope id ${message.id} is already taken`);
      this.#reachable.add(message.id);
      this.#forked.add(message.id);
    } else if (message.type === 'close') {
      if (message.scope === this.root && this.lent) {
        throw new ScopeError('INVALID_MESSAGE', `scope ${this.root} is lent to this connection; its owner closes it`);
      }
      this.#reachable.delete(message.scope);
      this.#forked.delete(message.scope);
      this.#sent.delete(message.scope);
    }
  }

  #whenCaptured(seq: number, index: number, capture: Promise<string>): void {
    capture.then(
      (eventId) => this.#post({ v, type: 'captured', seq, index, eventId }),
      (error: unknown) => {
        const failure = error instanceof ScopeError ? error : new ScopeError('INVALID_MESSAGE', String(error));
        this.#post({ v, type: 'captured', seq, index, error: failure.toJSON() });
      },
    );
  }

  #post(reply: PortReply): void {
    if (!this.#released) this.port.postMessage(reply);
  }
}
