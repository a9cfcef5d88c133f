import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { errorForThread, errorFromThread, ScopeError } from '../../src/protocol/index.js';

/** What structured clone (a worker's thrown error on its way to the pool) makes of `value`. */
function acrossPort(value: unknown): Promise<unknown> {
  const { port1, port2 } = new MessageChannel();
  return new Promise((resolve) => {
    port2.once('message', (received) => {
      port1.close();
      resolve(received);
    });
    port1.postMessage(value);
  });
}

describe('errors across threads', () => {
  it('a ScopeError crossing a port comes back as a ScopeError with its code, message and stack', async () => {
    const original = new ScopeError('MAILBOX_FULL', 'too many');
    const plain = await acrossPort(original);
    expect(plain).not.toBeInstanceOf(ScopeError); // what structured clone alone does
    const restored = errorFromThread(await acrossPort(errorForThread(original)));
    expect(restored).toBeInstanceOf(ScopeError);
    expect(restored).toMatchObject({ code: 'MAILBOX_FULL', message: 'too many', stack: original.stack });
  });

  it('leaves every other value as it is', async () => {
    const error = new TypeError('not ours');
    expect(errorForThread(error)).toBe(error);
    expect(errorFromThread(error)).toBe(error);
    const lookalike = new Error('x', { cause: { name: 'ScopeError', code: 'NOT_A_CODE', message: 'x' } });
    expect(errorFromThread(lookalike)).toBe(lookalike);
    expect(errorFromThread('text')).toBe('text');
  });
});
