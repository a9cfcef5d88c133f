import { MessageChannel, parentPort, type MessagePort } from 'node:worker_threads';
import { PROTOCOL_VERSION as v, ScopeError, type Batch, type PortReply, type SessionEnd } from '../protocol/index.js';

/** How a remote handle's connection reaches the owner: a port of its own, or its share of a thread's link. */
export interface Channel {
  post(batch: Batch): void;
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
      port.on('message', onReply);
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
}

export function isLinkOffer(message: unknown): message is LinkOffer {
  return typeof message === 'object' && message !== null && (message as LinkOffer).scopeActorLink === v;
}

/**
 * One port per worker thread to the owner, shared by the sessions of every task the thread runs:
 * a MessageChannel opened and transferred per task costs more than piscina's whole dispatch, so
 * the thread opens one, once, and offers it to the pool through piscina's parentPort.
 */
class ThreadLink {
  readonly #routes = new Map<string, { onReply: (reply: PortReply) => void; onClose: () => void }>();
  readonly #port: MessagePort;
  closed = false;
  /**
   * The pool answered on this link, so it holds its end: what a task posts here, it reads
   * before it takes the task's result. (Until then the offer itself may still be unread.)
   */
  answered = false;

  constructor(parent: MessagePort) {
    const { port1, port2 } = new MessageChannel();
    this.#port = port1;
    port1.on('message', (reply: PortReply) => {
      this.answered = true;
      if (reply.session !== undefined) this.#routes.get(reply.session)?.onReply(reply);
    });
    port1.on('close', () => {
      this.closed = true;
      for (const route of [...this.#routes.values()]) route.onClose();
      this.#routes.clear();
    });
    // The tasks keep the thread busy; an idle link must not keep it alive.
    port1.unref();
    parent.postMessage({ scopeActorLink: v, port: port2 } satisfies LinkOffer, [port2]);
  }

  channel(session: string): Channel {
    // The owner waits for a session's end only once it has seen the session: one that never
    // posted ends without a word.
    let posted = false;
    const link = this;
    return {
      post: (batch) => {
        if (!this.#routes.has(session)) return;
        posted = true;
        this.#port.postMessage(batch);
      },
      listen: (onReply, onClose) => {
        if (this.closed) queueMicrotask(onClose);
        else this.#routes.set(session, { onReply, onClose });
      },
      close: (seen) => {
        if (!this.#routes.delete(session) || this.closed || !posted) return;
        this.#port.postMessage({ v, type: 'end', session, seen } satisfies SessionEnd);
      },
      get collected() {
        return link.answered && !link.closed;
      },
    };
  }
}

let current: ThreadLink | undefined;

/** This thread's link to the owner, opened on first use (again after the owner closed it). */
export function threadLink(): ThreadLink {
  if (!parentPort) throw new ScopeError('INVALID_MESSAGE', 'a pool task runs in a worker thread started by ScopedPool');
  if (!current || current.closed) current = new ThreadLink(parentPort);
  return current;
}
