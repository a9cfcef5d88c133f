import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import { ScopeError } from '../../src/protocol/index.js';

/** What the other end of a port reads: a structured clone. */
export function throughPort<T>(value: T): T {
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(value);
  const { message } = receiveMessageOnPort(port2)!;
  port1.close();
  return message as T;
}

/** The code of the ScopeError `fn` throws, or what happened instead. */
export const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (error) {
    return ScopeError.is(error) ? error.code : 'not a ScopeError';
  }
  return 'accepted';
};
