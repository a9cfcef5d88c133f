import type { MessagePort } from 'node:worker_threads';
import type { PortReply } from '../../src/protocol/index.js';

/** Plays the remote side of a connection by hand, to speak the port protocol directly. */
export class RawPeer {
  readonly replies: PortReply[] = [];
  #waiting: Array<() => void> = [];
  #seq = 0;
  constructor(readonly port: MessagePort) {
    port.on('message', (reply: PortReply) => {
      this.replies.push(reply);
      this.#waiting.splice(0).forEach((wake) => wake());
    });
  }
  async next(): Promise<PortReply> {
    while (!this.replies.length) await new Promise<void>((wake) => this.#waiting.push(wake));
    return this.replies.shift()!;
  }
  /** Sends `messages` as the next batch and resolves to the next reply (its ack). */
  async batch(messages: unknown[]): Promise<PortReply> {
    this.port.postMessage({ v: 1, type: 'batch', seq: (this.#seq += 1), messages });
    return this.next();
  }
}
