import { randomUUID } from 'node:crypto';
import type { PropagationContext } from '../scope/index.js';

/** 32 lowercase hex characters, as Sentry's `uuid4()`. */
export function uuid4(): string {
  return randomUUID().replace(/-/g, '');
}

/** 16 lowercase hex characters. */
export function spanId(): string {
  return uuid4().slice(16);
}

/**
 * A new trace, as a new Sentry scope starts one, with the span id its events and outgoing
 * headers report, so a downstream service's events link to this one's.
 */
export function newTrace(): PropagationContext {
  return Object.freeze({ traceId: uuid4(), propagationSpanId: spanId(), sampleRand: Math.random() });
}
