// A scope's propagation context → outgoing trace headers. Dependency-free, like continue-trace.ts.
import { spanId } from '../../actors/ids.js';
import type { ScopeSnapshot } from '../../scope/index.js';
import { dscToBaggage, type Dsc } from './baggage.js';

/** A type, not an interface, so it passes as `continueTrace`'s header map too. */
export type OutgoingTraceHeaders = {
  'sentry-trace': string;
  traceparent: string;
  /** Absent only when there is nothing to say (an empty frozen DSC). */
  baggage?: string;
};

export interface TraceHeadersOptions {
  /**
   * DSC entries this process adds when it is the head of the trace (no incoming DSC), e.g.
   * `{ public_key, environment, release }` from its Sentry options. Ignored when continuing a
   * trace: the head's DSC is passed on unchanged, as Sentry does.
   */
  dsc?: Readonly<Dsc>;
}

/**
 * The headers to send on an outgoing call so the callee continues this scope's trace:
 * `sentry-trace` and `traceparent` carry the trace id and this scope's `propagationSpanId`
 * (the span its events report, so the callee's events name it as their parent); `baggage`
 * carries the DSC. Same format as @sentry/core's `getTraceData()` without an active span.
 * A context without `propagationSpanId` gets a random span id per call, as Sentry does.
 */
export function traceHeaders(snapshot: Pick<ScopeSnapshot, 'propagationContext'>, options: TraceHeadersOptions = {}): OutgoingTraceHeaders {
  const { traceId, sampled, sampleRand, propagationSpanId, dsc } = snapshot.propagationContext;
  const span = propagationSpanId ?? spanId();
  const headers: OutgoingTraceHeaders = {
    'sentry-trace': `${traceId}-${span}${sampled === undefined ? '' : sampled ? '-1' : '-0'}`,
    traceparent: `00-${traceId}-${span}-${sampled ? '01' : '00'}`,
  };
  const baggage = dscToBaggage(dsc ?? headOfTraceDsc(traceId, sampleRand, sampled, options.dsc));
  if (baggage) headers.baggage = baggage;
  return headers;
}

function headOfTraceDsc(traceId: string, sampleRand: number, sampled: boolean | undefined, extra: Readonly<Dsc> | undefined): Dsc {
  return {
    ...extra,
    trace_id: traceId,
    sample_rand: String(sampleRand),
    ...(sampled === undefined ? {} : { sampled: String(sampled) }),
  };
}
