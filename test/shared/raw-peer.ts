import type { MessagePort } from 'node:worker_threads';
import { unpackReply, type PortReply } from '../../src/protocol/index.js';

/** Plays the remote side of a connection by hand, to speak the port protocol directly. */
export class RawPeer {
  readonly replies: PortReply[] = [];
  #waiting: Array<() => void> = [];
  #seq = 0;
  constructor(readonly port: MessagePort) {
    // The owner's greeting (after service.connect) is an object; replies travel as flat arrays or text.
    port.on('message', (data: unknown) => {
      this.replies.push(Array.isArray(data) || typeof data === 'string' ? unpackReply(data) : (data as PortReply));
      this.#waiting.splice(0).forEach((wake) => wake());
    });
  }
  async next(): Promise<PortReply> {
    while (!this.replies.length) await new Promise<void>((wake) => this.#waiting.push(wake));
    return this.replies.shift()!;
  }
  /** Sends `messages`, unchecked, as the next batch (of `session`, on a link) and resolves to the next reply (its ack). */
  async batch(messages: unknown[], session?: string): Promise<PortReply> {
    this.port.postMessage(['batch', 1, session, (this.#seq += 1), ...messages]);
    return this.next();
  }
}
