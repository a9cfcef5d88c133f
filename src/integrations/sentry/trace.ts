// Trace propagation across processes: headers in, headers out. Dependency-free on purpose, so it
// works without @sentry/core installed; test/integrations checks it against Sentry's own parsers.
import { randomUUID } from 'node:crypto';
import type { PropagationContext, ScopeSnapshot } from '../../scope/index.js';

export type IncomingHeaders = Record<string, string | string[] | undefined>;

export type OutgoingTraceHeaders = {
  'sentry-trace': string;
  baggage: string;
  traceparent: string;
};

const SENTRY_TRACE = /^[ \t]*([0-9a-f]{32})-([0-9a-f]{16})(?:-([01]))?[ \t]*$/;
const TRACEPARENT = /^[ \t]*00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})[ \t]*$/;
const ZERO_TRACE = '0'.repeat(32);

const hex = () => randomUUID().replace(/-/g, '');

/**
 * The propagation context for a request that may continue a trace: from `sentry-trace` (with
 * `baggage`, whose `sentry-*` entries become the dynamic sampling context), else from W3C
 * `traceparent`; a fresh trace when neither is present or valid. Never throws.
 * @example scope.setPropagationContext(continueTrace(req.headers));
 */
export function continueTrace(headers: IncomingHeaders): PropagationContext {
  return continueTraceWithReason(headers).context;
}

/** As `continueTrace`, also saying why incoming headers were ignored (for logs), if they were. */
export function continueTraceWithReason(headers: IncomingHeaders): { context: PropagationContext; ignored?: string } {
  const sentryTrace = header(headers, 'sentry-trace');
  const traceparent = header(headers, 'traceparent');
  const dsc = parseBaggage(header(headers, 'baggage'));
  let parsed: { traceId: string; parentSpanId: string; sampled?: boolean } | undefined;
  let ignored: string | undefined;
  if (sentryTrace !== undefined) {
    const match = SENTRY_TRACE.exec(sentryTrace);
    if (match) parsed = { traceId: match[1]!, parentSpanId: match[2]!, sampled: match[3] === undefined ? undefined : match[3] === '1' };
    else ignored = 'malformed sentry-trace header';
  }
  if (!parsed && traceparent !== undefined) {
    const match = TRACEPARENT.exec(traceparent);
    if (match && match[1] !== ZERO_TRACE && match[2] !== '0'.repeat(16)) {
      parsed = { traceId: match[1]!, parentSpanId: match[2]!, sampled: (parseInt(match[3]!, 16) & 1) === 1 };
      ignored = undefined;
    } else ignored ??= 'malformed traceparent header';
  }
  if (!parsed) return { context: freshTrace(), ...(ignored ? { ignored } : {}) };
  const sampleRand = sampleRandOf(dsc, parsed.sampled);
  // As Sentry: a derived sample_rand travels on in the dynamic sampling context.
  if (dsc && Object.keys(dsc).length && dsc.sample_rand === undefined) dsc.sample_rand = String(sampleRand);
  const context: PropagationContext = {
    traceId: parsed.traceId,
    parentSpanId: parsed.parentSpanId,
    propagationSpanId: hex().slice(16),
    sampleRand,
    ...(parsed.sampled === undefined ? {} : { sampled: parsed.sampled }),
    ...(dsc && Object.keys(dsc).length ? { dsc } : {}),
  };
  return { context, ...(ignored ? { ignored } : {}) };
}

/**
 * Headers that carry `snapshot`'s trace to the next service: `sentry-trace`, `baggage` (the
 * dynamic sampling context, `sentry-` prefixed) and W3C `traceparent`.
 * @example fetch(url, { headers: traceHeaders(scope.snapshot()) });
 */
export function traceHeaders(snapshot: Pick<ScopeSnapshot, 'propagationContext'>): OutgoingTraceHeaders {
  const { traceId, propagationSpanId, sampled, sampleRand, dsc } = snapshot.propagationContext;
  const spanId = propagationSpanId ?? hex().slice(16);
  const entries = { ...dsc, trace_id: traceId, sample_rand: String(sampleRand), ...(sampled === undefined ? {} : { sampled: String(sampled) }) };
  return {
    'sentry-trace': `${traceId}-${spanId}${sampled === undefined ? '' : sampled ? '-1' : '-0'}`,
    baggage: Object.entries(entries)
      .map(([key, value]) => `sentry-${encodeURIComponent(key)}=${encodeURIComponent(value)}`)
      .join(','),
    traceparent: `00-${traceId}-${spanId}-${sampled ? '01' : '00'}`,
  };
}

function freshTrace(): PropagationContext {
  return { traceId: hex(), propagationSpanId: hex().slice(16), sampleRand: Math.random() };
}

function header(headers: IncomingHeaders, name: string): string | undefined {
  const value = headers[name] ?? headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

/** The `sentry-*` entries of a baggage header, prefix removed; other vendors' entries are left alone. */
function parseBaggage(baggage: string | undefined): Record<string, string> | undefined {
  if (!baggage) return undefined;
  const dsc: Record<string, string> = {};
  for (const member of baggage.split(',')) {
    const [rawKey, ...rest] = member.split(';')[0]!.split('=');
    const key = rawKey?.trim();
    if (!key?.startsWith('sentry-') || rest.length === 0) continue;
    try {
      dsc[decodeURIComponent(key.slice('sentry-'.length))] = decodeURIComponent(rest.join('=').trim());
    } catch {
      // A badly escaped entry is skipped, as Sentry skips it.
    }
  }
  return dsc;
}

/** The incoming `sample_rand`, else one consistent with the incoming decision, as Sentry derives it. */
function sampleRandOf(dsc: Record<string, string> | undefined, sampled: boolean | undefined): number {
  const incoming = Number(dsc?.sample_rand);
  if (dsc?.sample_rand !== undefined && incoming >= 0 && incoming < 1) return incoming;
  const rate = Number(dsc?.sample_rate);
  if (sampled !== undefined && rate >= 0 && rate <= 1) return sampled ? Math.random() * rate : rate + Math.random() * (1 - rate);
  return Math.random();
}
