// scope-actor's merged events → a real @sentry/core Client, so they leave through Sentry's own
// pipeline: client event processors, sampleRate, beforeSend, envelope, transport, rate limits.
// @sentry/core is an optional peer: it is loaded on the first event, so the rest of
// `scope-actor/sentry` (trace headers) works without it.
import type { Client, Event, EventHint as SentryEventHint, Scope as SentryScope } from '@sentry/core';
import type { EventSink } from '../../actors/index.js';
import type { EventHint, ScopeEvent } from '../../scope/index.js';

type SentryCore = typeof import('@sentry/core');

export interface SentrySinkOptions {
  /**
   * How long one event may wait for the client to finish with it (sent, or dropped by
   * sampling, a processor or `beforeSend`) before the sink stops waiting. Default 10,000 ms.
   */
  settleTimeoutMs?: number;
}

/** The sink for `createScopeService({ onEvent })`, with the client's flush at hand. */
export interface SentrySink extends EventSink {
  readonly client: Client;
  /** `client.flush(timeout)`: resolves true once everything handed over has left. */
  flush(timeoutMs?: number): Promise<boolean>;
}

let core: Promise<SentryCore> | undefined;
const loadCore = (): Promise<SentryCore> => (core ??= import('@sentry/core'));

/**
 * Makes an `onEvent` sink that hands each merged event to `client.captureEvent`. The event is
 * already merged by scope-actor, so the client is given empty current and isolation scopes
 * (carrying only the event's propagation context, for the envelope's DSC header): nothing of
 * Sentry's own scopes is merged twice. Only Sentry's global scope is still applied by the
 * client itself; keep it empty and put process-wide data on `service.global` instead.
 *
 * Attachments in `hint.attachments` become envelope items. If the event's last exception has
 * no stack trace and `hint.originalException` is an Error, frames are parsed with the client's
 * `stackParser`, as Sentry's `captureException` does.
 *
 * The returned promise settles when the client is done with the event: sent (the transport
 * answered), or dropped. `service.close()` waits for running captures, so once it resolves
 * every event has left. Rejects only if @sentry/core cannot be loaded.
 */
export function sentrySink(client: Client, options: SentrySinkOptions = {}): SentrySink {
  const { settleTimeoutMs = 10_000 } = options;
  const waiting = new Map<string, () => void>();
  const inPipeline = new Set<string>();
  client.on('preprocessEvent', (event) => {
    if (event.event_id && waiting.has(event.event_id)) inPipeline.add(event.event_id);
  });
  client.on('afterSendEvent', (event) => {
    if (event.event_id) waiting.get(event.event_id)?.();
  });

  const sink = async (event: ScopeEvent, hint: EventHint): Promise<void> => {
    const sentry = await loadCore();
    const sentryEvent = toSentryEvent(sentry, client, event, hint);
    const id = sentryEvent.event_id!;
    const settled = new Promise<void>((resolve) => waiting.set(id, resolve));
    try {
      client.captureEvent(sentryEvent, toSentryHint(hint), scopeFor(sentry, event, hint));
      // The client starts processing synchronously; an event it never began (sampled out, queue
      // full, an exception already captured) is settled now, one in progress when it is sent or
      // when the client is next idle (dropped by a processor or beforeSend).
      if (!inPipeline.has(id)) return;
      await Promise.race([settled, client.flush(settleTimeoutMs)]);
    } finally {
      waiting.delete(id);
      inPipeline.delete(id);
    }
  };
  return Object.assign(sink, {
    client,
    flush: async (timeoutMs?: number): Promise<boolean> => client.flush(timeoutMs),
  });
}

function toSentryEvent(sentry: SentryCore, client: Client, event: ScopeEvent, hint: EventHint): Event {
  const out = { ...event, sdkProcessingMetadata: { capturedSpanIsolationScope: new sentry.Scope() } } as Event;
  const exceptions = out.exception?.values;
  const last = exceptions?.[exceptions.length - 1];
  const stackParser = client.getOptions().stackParser;
  if (last && !last.stacktrace && hint.originalException instanceof Error && stackParser) {
    const parsed = sentry.exceptionFromError(stackParser, hint.originalException);
    if (parsed.stacktrace) out.exception = { ...out.exception, values: [...exceptions!.slice(0, -1), { ...last, stacktrace: parsed.stacktrace }] };
  }
  return out;
}

function toSentryHint(hint: EventHint): SentryEventHint {
  // Sentry copies the hint's attachments into envelope items; the shapes are the same.
  return { ...hint } as SentryEventHint;
}

/** An empty Sentry scope whose propagation context is the event's, so the envelope's DSC header matches the event. */
function scopeFor(sentry: SentryCore, event: ScopeEvent, hint: EventHint): SentryScope {
  const scope = new sentry.Scope();
  const context = hint.propagationContext;
  const trace = event.contexts?.trace;
  if (context) scope.setPropagationContext({ ...context, dsc: context.dsc ? { ...context.dsc } : undefined });
  else if (trace) scope.setPropagationContext({ traceId: trace.trace_id, sampleRand: Math.random() });
  return scope;
}
