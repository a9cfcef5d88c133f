// Incoming trace headers → a scope's propagation context. Dependency-free (no @sentry/core) so
// that trace propagation works without it; the parsing follows @sentry/core's
// `propagationContextFromHeaders`, and the tests compare the two.
import type { PropagationContextInput } from '../../scope/index.js';
import { spanId, uuid4 } from '../../actors/ids.js';
import { dscFromBaggage, type Dsc } from './baggage.js';

/** Node's `req.headers` (names lower-case), a fetch `Headers`, or any map with a `get`. */
export type IncomingTraceHeaders =
  | { readonly [name: string]: string | readonly string[] | undefined }
  | { get(name: string): string | null | undefined };

/** Where the continued trace came from; `none` means a fresh trace was started. */
export type TraceSource = 'sentry-trace' | 'traceparent' | 'none';

export interface TraceHeadersReading {
  readonly context: PropagationContextInput;
  readonly source: TraceSource;
  /** Why headers that were present were not used, e.g. `sentry-trace: malformed`. Empty when all were fine. */
  readonly ignored: readonly string[];
}

export interface ContinueTraceOptions {
  /** Told why present headers were ignored (malformed, zero ids, too long); never throws into the request. */
  onIgnored?: (reasons: readonly string[]) => void;
}

/** Headers longer than this are ignored unread: a trace header is ~55 characters. */
const MAX_TRACE_HEADER_LENGTH = 512;
/** Baggage beyond W3C's 8,192 bytes is ignored unread. */
const MAX_BAGGAGE_LENGTH = 8192;

const SENTRY_TRACE = /^[ \t]*([0-9a-f]{32})(?:-([0-9a-f]{16}))?(?:-([01]))?[ \t]*$/;
const TRACEPARENT = /^[ \t]*([0-9a-f]{2})-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})(-[^\s]*)?[ \t]*$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

interface ParentTrace {
  traceId: string;
  parentSpanId?: string;
  sampled?: boolean;
}

/**
 * Continues the trace of an incoming request: `sentry-trace` (+ `baggage`) first, else W3C
 * `traceparent` (+ `baggage`). Absent or malformed headers give a fresh trace; this never
 * throws. The result always carries a new `propagationSpanId`: the span this process reports
 * in its events and sends on in `traceHeaders`, so calls further down link to it.
 * `tracestate` is checked for length only: its vendor entries have no place in a scope.
 */
export function continueTrace(headers: IncomingTraceHeaders | undefined, options: ContinueTraceOptions = {}): PropagationContextInput {
  const reading = readTraceHeaders(headers);
  if (reading.ignored.length && options.onIgnored) {
    try {
      options.onIgnored(reading.ignored);
    } catch {
      // A failing observer must not fail the request.
    }
  }
  return reading.context;
}

/** `continueTrace` with its reasoning: which header was used and why others were ignored. Never throws. */
export function readTraceHeaders(headers: IncomingTraceHeaders | undefined): TraceHeadersReading {
  const ignored: string[] = [];
  const read = (name: string, limit: number): string | readonly string[] | undefined => {
    const value = headerValue(headers, name);
    if (value === undefined) return undefined;
    const length = typeof value === 'string' ? value.length : value.reduce((n, v) => n + v.length, 0);
    if (length > limit) {
      ignored.push(`${name}: longer than ${limit} characters`);
      return undefined;
    }
    return value;
  };
  let source: TraceSource = 'none';
  let parent = parseOne(read('sentry-trace', MAX_TRACE_HEADER_LENGTH), 'sentry-trace', parseSentryTrace, ignored);
  if (parent) source = 'sentry-trace';
  else {
    parent = parseOne(read('traceparent', MAX_TRACE_HEADER_LENGTH), 'traceparent', parseTraceparent, ignored);
    if (parent) source = 'traceparent';
  }
  read('tracestate', MAX_BAGGAGE_LENGTH);
  const baggage = read('baggage', MAX_BAGGAGE_LENGTH);
  if (!parent) {
    if (baggage !== undefined && dscFromBaggage(baggage)) ignored.push('baggage: no valid trace header to go with it');
    return { context: freshTrace(), source, ignored };
  }
  return { context: continued(parent, dscFromBaggage(baggage)), source, ignored };
}

/** A new trace, as Sentry starts one when there is nothing to continue. */
export function freshTrace(): PropagationContextInput {
  return { traceId: uuid4(), propagationSpanId: spanId(), sampleRand: Math.random() };
}

function continued(parent: ParentTrace, dsc: Dsc | undefined): PropagationContextInput {
  const sampleRand = sampleRandOf(parent.sampled, dsc);
  // As Sentry: a continued trace without Sentry baggage freezes an empty DSC (this process is not the head).
  const frozen: Dsc = dsc ? { ...dsc, sample_rand: String(sampleRand) } : {};
  return {
    traceId: parent.traceId,
    ...(parent.parentSpanId ? { parentSpanId: parent.parentSpanId } : {}),
    ...(parent.sampled === undefined ? {} : { sampled: parent.sampled }),
    propagationSpanId: spanId(),
    sampleRand,
    dsc: frozen,
  };
}

/** Sentry's `getSampleRandFromTraceparentAndDsc`: keep the head's sample_rand, else one consistent with its decision. */
function sampleRandOf(sampled: boolean | undefined, dsc: Dsc | undefined): number {
  const given = rate(dsc?.sample_rand);
  if (given !== undefined && given < 1) return given;
  const sampleRate = rate(dsc?.sample_rate);
  if (sampleRate && sampled !== undefined) {
    return sampled ? Math.random() * sampleRate : sampleRate + Math.random() * (1 - sampleRate);
  }
  return Math.random();
}

function rate(text: string | undefined): number | undefined {
  if (text === undefined || text.trim() === '') return undefined;
  const value = Number(text);
  // sample_rand must stay below 1 for our validation ([0, 1)); a sample_rate may be 1.
  return Number.isFinite(value) && value >= 0 && value <= 1 ? value : undefined;
}

function parseOne(
  value: string | readonly string[] | undefined,
  name: string,
  parse: (text: string) => ParentTrace | string,
  ignored: string[],
): ParentTrace | undefined {
  if (value === undefined) return undefined;
  const text = typeof value === 'string' ? value : value[0];
  if (typeof value !== 'string' && value.length > 1) ignored.push(`${name}: sent ${value.length} times, the first one used`);
  if (text === undefined || text.trim() === '') return undefined;
  const parsed = parse(text);
  if (typeof parsed === 'string') {
    ignored.push(`${name}: ${parsed}`);
    return undefined;
  }
  return parsed;
}

function parseSentryTrace(text: string): ParentTrace | string {
  const match = SENTRY_TRACE.exec(text);
  if (!match) return 'malformed (expected <32 hex trace id>-<16 hex span id>[-0|1])';
  const [, traceId, parentSpanId, flag] = match;
  if (traceId === ZERO_TRACE || parentSpanId === ZERO_SPAN) return 'all-zero trace or span id';
  return { traceId: traceId!, parentSpanId, sampled: flag === undefined ? undefined : flag === '1' };
}

function parseTraceparent(text: string): ParentTrace | string {
  const match = TRACEPARENT.exec(text);
  if (!match) return 'malformed (expected <version>-<32 hex trace id>-<16 hex span id>-<flags>)';
  const [, version, traceId, parentSpanId, flags, rest] = match;
  if (version === 'ff') return 'version ff is invalid';
  if (version === '00' && rest !== undefined) return 'version 00 has exactly four fields';
  if (traceId === ZERO_TRACE || parentSpanId === ZERO_SPAN) return 'all-zero trace or span id';
  return { traceId: traceId!, parentSpanId, sampled: (parseInt(flags!, 16) & 1) === 1 };
}

function headerValue(headers: IncomingTraceHeaders | undefined, name: string): string | readonly string[] | undefined {
  if (!headers) return undefined;
  if (typeof (headers as { get?: unknown }).get === 'function') {
    return (headers as { get(name: string): string | null | undefined }).get(name) ?? undefined;
  }
  const record = headers as { readonly [name: string]: string | readonly string[] | undefined };
  const value = Object.prototype.hasOwnProperty.call(record, name) ? record[name] : undefined;
  return typeof value === 'string' || Array.isArray(value) ? value : undefined;
}
