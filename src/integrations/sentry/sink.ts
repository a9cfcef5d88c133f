// Events out through a real @sentry/core client: its beforeSend, sampling, rate limits, transport.
import type { Client, Event, EventHint as SentryHint } from '@sentry/core';
import type { EventSink } from '../../actors/capture.js';
import type { EventHint, PropagationContext, ScopeEvent } from '../../scope/index.js';

export interface SentrySink extends EventSink {
  /** Waits until the client sent what it was handed (`client.flush`); the service calls it on close. */
  flush(timeoutMs?: number): Promise<boolean>;
}

/**
 * An `onEvent` sink handing each event, already merged by scope-actor, to a @sentry/core client
 * (such as @sentry/node's `NodeClient`), which sends it as an envelope through its own pipeline.
 * Sentry's own current and isolation scopes are not merged in again (the event carries its
 * scopes already); Sentry's global scope still is, so keep global data on `service.global`.
 * With an Error as `hint.originalException`, the exception gets stack frames from the client's
 * `stackParser`. `service.close()` calls `flush()`, so pending sends go out before it resolves.
 * @example createScopeService({ onEvent: sentrySink(new NodeClient({ dsn, transport, stackParser, integrations: [] })) });
 */
export function sentrySink(client: Client): SentrySink {
  const sink = async (event: ScopeEvent, hint: EventHint): Promise<void> => {
    const { Scope, exceptionFromError } = await sentryCore();
    const scope = new Scope();
    const trace = hint.propagationContext as PropagationContext | undefined;
    // The envelope's trace header and dynamic sampling context come from this scope's trace.
    if (trace) scope.setPropagationContext({ ...trace, dsc: trace.dsc ? { ...trace.dsc } : undefined });
    const out = withFrames(client, event, hint, exceptionFromError) as Event;
    out.sdkProcessingMetadata = { ...(out.sdkProcessingMetadata as object), capturedSpanIsolationScope: new Scope() };
    client.captureEvent(out, { ...(hint as SentryHint), event_id: event.event_id }, scope);
  };
  return Object.assign(sink, { flush: async (timeoutMs?: number) => client.flush(timeoutMs) });
}

/**
 * @sentry/core is an optional peer: loaded on the first event, so the rest of scope-actor/sentry
 * (trace propagation) works where it is not installed.
 */
let core: Promise<typeof import('@sentry/core')> | undefined;
const sentryCore = () => (core ??= import('@sentry/core'));

function withFrames(client: Client, event: ScopeEvent, hint: EventHint, exceptionFromError: typeof import('@sentry/core').exceptionFromError): ScopeEvent {
  const error = hint.originalException;
  const { stackParser } = client.getOptions();
  const first = event.exception?.values[0];
  if (!(error instanceof Error) || !stackParser || !first || first.stacktrace) return event;
  const parsed = exceptionFromError(stackParser, error);
  return { ...event, exception: { values: [{ ...first, ...(parsed as object), mechanism: first.mechanism }] } };
}
