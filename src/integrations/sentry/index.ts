/**
 * `scope-actor/sentry`: send scope-actor's events through a real Sentry client, migrate from
 * Sentry scopes, and carry traces across processes. @sentry/core is an optional peer
 * dependency: only `sentrySink` loads it (on its first event); the trace functions and
 * `fromSentryScope` work without it.
 */
export { sentrySink, type SentrySink, type SentrySinkOptions } from './sink.js';
export { fromSentryScope, applySentryScope, type SentryScopeImport } from './from-scope.js';
export {
  continueTrace,
  readTraceHeaders,
  freshTrace,
  type IncomingTraceHeaders,
  type TraceHeadersReading,
  type TraceSource,
  type ContinueTraceOptions,
} from './continue-trace.js';
export { traceHeaders, type OutgoingTraceHeaders, type TraceHeadersOptions } from './trace-headers.js';
export { dscFromBaggage, dscToBaggage, type Dsc } from './baggage.js';
