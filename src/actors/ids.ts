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

/** Random bytes as base64url, cut into ids: refilled 341 ids at a time. */
let secrets = '';
let nextSecret = 0;
const SECRET_LENGTH = 12;

/**
 * 72 random bits as 12 base64url characters. A pool asks for one per task and keys its sessions
 * map by it. Cut from a long random string, an id is one small string, where building it costs a
 * pool's main thread ~9 string allocations (and `randomUUID()` ~1 µs). Under 13 characters V8
 * copies a slice into a flat string of its own; a longer one points into the random string, and
 * the map's hashing and comparing of such a slice go through V8's runtime: 16 hex characters cost
 * each task ~500 instructions more, counted with 32 tasks in flight.
 */
export function secretId(): string {
  if (nextSecret + SECRET_LENGTH > secrets.length) {
    secrets = randomBytes(3072).toString('base64url');
    nextSecret = 0;
  }
  return secrets.slice(nextSecret, (nextSecret += SECRET_LENGTH));
}
