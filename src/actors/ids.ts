import { randomBytes, randomUUID } from 'node:crypto';
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

/** Random bytes as hex, cut into ids: refilled 512 ids at a time. */
let secrets = '';
let nextSecret = 0;

/**
 * 64 random bits as 16 hex characters. A pool asks for one per task: cut from a long random hex
 * string, an id is one small string that points into it, where building it costs a pool's main
 * thread ~9 string allocations (and `randomUUID()` ~1 µs).
 */
export function secretId(): string {
  if (nextSecret === secrets.length) {
    secrets = randomBytes(4096).toString('hex');
    nextSecret = 0;
  }
  return secrets.slice(nextSecret, (nextSecret += 16));
}
