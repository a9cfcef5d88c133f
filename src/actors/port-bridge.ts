import { receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { packReply, PROTOCOL_VERSION as v, ScopeError, validatePortMessage, type PortReply } from '../protocol/index.js';
import type { Session } from './session.js';

/** Finds the session a port message names (undefined: the port's own, on a port of its own). */
export type SessionLookup = (id: string | undefined, bridge: PortBridge) => Session | undefined;

/**
 * The owner's end of one MessagePort: either one connection's own port (`service.connect`), or a
 * worker thread's link that carries the sessions of all the pool tasks the thread runs. It feeds
 * each batch to its session, which applies it through the service's delivery path, and posts the
 * answers back. When the port closes, for whatever reason (the other side closed it, the thread
 * ended or crashed, the service closed), the sessions it carried are released.
 */
export class PortBridge {
  /** The sessions this port carried: released with it. */
  readonly #served = new Set<Session>();
  #released = false;
  #onClosed!: () => void;
  /** Settles when the port has closed from the other side (or was released): all it carried was applied. */
  readonly closed = new Promise<void>((resolve) => (this.#onClosed = resolve));
  /** The port emitted 'close': every message it held was dispatched (and it must not be read again). */
  #portClosed = false;
  #received = 0;

  constructor(
    readonly port: MessagePort,
    private readonly lookup: SessionLookup,
    private readonly onRelease: (bridge: PortBridge) => void,
    /** How many messages the other side posted, where it counts them (a pool thread's link): an empty port is then never read. */
    private readonly posted?: Int32Array,
  ) {
    port.on('message', (data: unknown) => this.#receive(data));
    port.on('close', () => {
      this.#portClosed = true;
      this.release();
    });
  }

  /**
   * Applies what the other side already posted and is still queued here. A worker that crashed or
   * was aborted posted its last batches before it died, but its pool may report the death before
   * those batches are dispatched (they travel on another channel): taking them off the queue
   * synchronously keeps "what was sent before the fault is kept" independent of timing.
   * (Not after 'close': the queue is empty then, and Node 20 crashes reading a closed port.)
   */
  drain(): void {
    if (this.posted && Atomics.load(this.posted, 0) === this.#received) return;
    while (!this.#portClosed) {
      const left = receiveMessageOnPort(this.port);
      if (!left) break;
      this.#receive(left.message);
    }
  }

  /** Drains, then closes the port and releases every session it carried. Idempotent. */
  release(): void {
    if (this.#released) return;
    // Released first: no acknowledgement goes out from here on, so the other side gets no new
    // credit and the drain below ends after at most `window` batches, however fast it sends.
    this.#released = true;
    this.drain();
    this.#onClosed();
    this.port.close();
    for (const session of this.#served) session.release();
    this.#served.clear();
    this.onRelease(this);
  }

  /** Carries `session` from now on: released with this port. */
  serve(session: Session): void {
    this.#served.add(session);
  }

  #receive(data: unknown): void {
    this.#received += 1;
    let message;
    try {
      message = validatePortMessage(data);
    } catch (error) {
      const refused = error instanceof ScopeError ? error : new ScopeError('INVALID_MESSAGE', String(error));
      this.#post({ v, type: 'ack', seq: -1, replies: [{ index: -1, error: refused.toJSON() }] });
      return;
    }
    const session = this.lookup(message.session, this);
    if (!session || session.released) {
      if (message.type === 'end') return;
      const refused = new ScopeError('UNKNOWN_SCOPE', `no open session ${String(message.session)} on this port`);
      this.#post({ v, type: 'ack', session: message.session, seq: message.seq, replies: [{ index: -1, error: refused.toJSON() }] });
      return;
    }
    this.#served.add(session);
    if (message.type === 'end') {
      this.#served.delete(session);
      session.end(message.seen);
    } else session.receive(message.seq, message.messages, this.#post);
  }

  readonly #post = (reply: PortReply): void => {
    if (!this.#released) this.port.postMessage(packReply(reply));
  };
}
