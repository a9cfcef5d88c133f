import { MessageChannel, parentPort, receiveMessageOnPort, type MessagePort } from 'node:worker_threads';
import { packEnd, PROTOCOL_VERSION as v, ScopeError, unpackReply, type BatchWire, type EndWire, type PortReply, type StartData } from '../protocol/index.js';

/** How a remote handle's connection reaches the owner: a port of its own, or its share of a thread's link. */
export interface Channel {
  post(batch: BatchWire): void;
  /** Listens for the replies meant for this connection, and for the channel closing. */
  listen(onReply: (reply: PortReply) => void, onClose: () => void): void;
  /** Ends this connection's use of the channel, having read the acks of batches up to `seen`; later posts are dropped. */
  close(seen: number): void;
  /**
   * Whether the owner collects what is left when the task returns (a pool's link, once the pool
   * has shown it holds it by answering on it), so the task need not wait for its last acks.
   */
  readonly collected: boolean;
}

/** A connection alone on a port (from `service.connect`). */
export function portChannel(port: MessagePort): Channel {
  return {
    post: (batch) => port.postMessage(batch),
    listen(onReply, onClose) {
      port.on('message', (wire: unknown) => onReply(unpackReply(wire)));
      port.on('close', onClose);
    },
    close: () => port.close(),
    collected: false,
  };
}

/** What a pool worker thread posts on piscina's parentPort, once: the owner's end of its link. */
export interface LinkOffer {
  readonly scopeActorLink: typeof v;
  readonly port: MessagePort;
  /** How many messages the thread has posted on the link (`PortBridge` counts what it took off). */
  readonly posted: Int32Array;
}

export function isLinkOffer(message: unknown): message is LinkOffer {
  return typeof message === 'object' && message !== null && (message as LinkOffer).scopeActorLink === v;
}

/**
 * What a pool worker thread posts on piscina's parentPort for a task start it lacks (see
 * `TaskStarts`): the pool posts the start's data on `port` and then wakes the thread, which waits
 * on `ready` (so the answer is already queued when it wakes, and is read without a turn).
 */
export interface StartRequest {
  readonly scopeActorStart: typeof v;
  readonly start: number;
  readonly port: MessagePort;
  /** 0 until answered, then 1. */
  readonly ready: Int32Array;
}

export function isStartRequest(message: unknown): message is StartRequest {
  return typeof message === 'object' && message !== null && (message as StartRequest).scopeActorStart === v;
}

/** How long a thread waits for a start: the pool's main thread answers between two of its turns. */
const START_WAIT_MS = 10_000;

/**
 * Asks the pool for a start and waits for it (a worker thread may block; the pool's thread never
 * does). Undefined when the pool no longer holds it (its task has settled).
 * @throws ScopeError SERVICE_CLOSED when the pool does not answer.
 */
export function fetchStart(start: number): StartData | undefined {
  if (!parentPort) throw new ScopeError('INVALID_MESSAGE', 'a pool task runs in a worker thread started by ScopedPool');
  const { port1, port2 } = new MessageChannel();
  const ready = new Int32Array(new SharedArrayBuffer(4));
  try {
    parentPort.postMessage({ scopeActorStart: v, start, port: port2, ready } satisfies StartRequest, [port2]);
    if (Atomics.wait(ready, 0, 0, START_WAIT_MS) === 'timed-out') throw new ScopeError('SERVICE_CLOSED', 'the pool did not answer for the task\'s start');
    return (receiveMessageOnPort(port1)?.message as { data?: StartData } | undefined)?.data;
  } finally {
    port1.close();
  }
}

/** The pool's answer to a `StartRequest`: the start's data, or undefined when it no longer holds it. */
export function answerStart({ port, ready }: StartRequest, data: StartData | undefined): void {
  port.postMessage({ data });
  port.close();
  Atomics.store(ready, 0, 1);
  Atomics.notify(ready, 0);
}

/**
 * One port per worker thread to the owner, shared by the sessions of every task the thread runs:
 * a MessageChannel opened and transferred per task costs more than piscina's whole dispatch, so
 * the thread opens one, once, and offers it to the pool through piscina's parentPort.
 */
class ThreadLink {
  readonly #routes = new Map<string, { onReply: (reply: PortReply) => void; onClose: () => void }>();
  readonly #port: MessagePort;
  /** Counted before each post, so the owner that took this many off knows the port is empty without reading it. */
  readonly #posted = new Int32Array(new SharedArrayBuffer(4));
  closed = false;
  /**
   * The pool answered on this link, so it holds its end: what a task posts here, it reads
   * before it takes the task's result. (Until then the offer itself may still be unread.)
   */
  answered = false;

  constructor(parent: MessagePort) {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    port1.on('message', (wire: unknown) => {
      this.answered = true;
      const reply = unpackReply(wire);
      if (reply.session !== undefined) this.#routes.get(reply.session)?.onReply(reply);
    });
    port1.on('close', () => {
      this.closed = true;
      for (const route of [...this.#routes.values()]) route.onClose();
      this.#routes.clear();
    });
    // The tasks keep the thread busy; an idle link must not keep it alive.
    port1.unref();
    parent.postMessage({ scopeActorLink: v, port: port2, posted: this.#posted } satisfies LinkOffer, [port2]);
  }

  channel(session: string): Channel {
    return new LinkChannel(this, session);
  }

  /** Whether `session` still listens here. */
  carries(session: string): boolean {
    return this.#routes.has(session);
  }

  route(session: string, onReply: (reply: PortReply) => void, onClose: () => void): void {
    if (this.closed) queueMicrotask(onClose);
    else this.#routes.set(session, { onReply, onClose });
  }

  /** Stops routing to `session`; false if it was not routed here. */
  unroute(session: string): boolean {
    return this.#routes.delete(session);
  }

  post(message: BatchWire | EndWire): void {
    Atomics.add(this.#posted, 0, 1);
    this.#port.postMessage(message);
  }
}

/** One task's share of its thread's link. (A class: an object literal with a getter costs a task ~0.5 µs to build.) */
class LinkChannel implements Channel {
  // The owner waits for a session's end only once it has seen the session: one that never
  // posted ends without a word.
  #posted = false;

  constructor(
    private readonly link: ThreadLink,
    private readonly session: string,
  ) {}

  post(batch: BatchWire): void {
    if (!this.link.carries(this.session)) return;
    this.#posted = true;
    this.link.post(batch);
  }

  listen(onReply: (reply: PortReply) => void, onClose: () => void): void {
    this.link.route(this.session, onReply, onClose);
  }

  close(seen: number): void {
    if (!this.link.unroute(this.session) || this.link.closed || !this.#posted) return;
    this.link.post(packEnd(this.session, seen));
  }

  get collected(): boolean {
    return this.link.answered && !this.link.closed;
  }
}

let current: ThreadLink | undefined;

/** This thread's link to the owner, opened on first use (again after the owner closed it). */
export function threadLink(): ThreadLink {
  if (!parentPort) throw new ScopeError('INVALID_MESSAGE', 'a pool task runs in a worker thread started by ScopedPool');
  if (!current || current.closed) current = new ThreadLink(parentPort);
  return current;
}
