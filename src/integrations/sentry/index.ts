export { continueTrace, continueTraceWithReason, traceHeaders, type IncomingHeaders, type OutgoingTraceHeaders } from './trace.js';
export { sentrySink, type SentrySink } from './sink.js';
export { applySentryScope } from './migrate.js';
