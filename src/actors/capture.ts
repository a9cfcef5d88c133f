import {
  applyScopeDataToEvent,
  mergeScopeData,
  type EventHint,
  type ScopeEvent,
  type SeverityLevel,
} from '../scope/index.js';
import { ScopeError } from '../protocol/index.js';
import { spanId } from './ids.js';
import type { PreparedCapture } from './owner.js';

export type EventProcessor = (
  event: ScopeEvent,
  hint: EventHint,
) => ScopeEvent | null | PromiseLike<ScopeEvent | null>;

/**
 * Where captured events go. The hint carries `attachments`, `originalException` and the scope's
 * `propagationContext`. A sink with a `flush()` is flushed by `service.close()`.
 */
export type EventSink = ((event: ScopeEvent, hint: EventHint) => void | PromiseLike<void>) & {
  flush?: (timeoutMs?: number) => PromiseLike<unknown>;
};

export interface CaptureHooks {
  readonly eventProcessors: readonly EventProcessor[];
  readonly onEvent?: EventSink;
  /** How long one processor or the sink may take before it is reported as TIMEOUT. */
  readonly hookTimeoutMs: number;
  readonly report: (error: unknown, origin: string) => void;
}

/** The event of `captureException`, as Sentry's `eventFromException` gives it before stack parsing. */
export function eventFromException(exception: unknown): ScopeEvent {
  const error = exception instanceof Error ? exception : undefined;
  return {
    level: 'error',
    exception: {
      values: [
        {
          type: error ? error.name : 'Error',
          value: error ? error.message : String(exception),
          mechanism: { type: 'generic', handled: true },
        },
      ],
    },
  };
}

export function eventFromMessage(message: string, level: SeverityLevel = 'info'): ScopeEvent {
  return { message, level };
}

/** The captures a service started: counted, and waited for when it closes. */
export class Captures {
  readonly #running = new Set<Promise<unknown>>();
  started = 0;

  constructor(private readonly hooks: CaptureHooks) {}

  get pending(): number {
    return this.#running.size;
  }

  /** Runs `prepared` through the pipeline; resolves with its event id whether or not the sink took it. */
  start(prepared: PreparedCapture): Promise<string> {
    this.started += 1;
    const running = runCapture(prepared, this.hooks).then(() => prepared.message.eventId);
    const tracked = running.finally(() => this.#running.delete(tracked));
    this.#running.add(tracked);
    return tracked;
  }

  /** Waits for every running capture, then has a sink that buffers (a Sentry client) send what it holds. */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.#running]);
    const { onEvent, hookTimeoutMs, report } = this.hooks;
    try {
      await onEvent?.flush?.(hookTimeoutMs);
    } catch (error) {
      report(error, 'onEvent');
    }
  }
}

/**
 * Runs a capture outside the mailbox: merge, processors, sink. Hooks that throw, reject or
 * time out are reported and skipped; a processor returning null drops the event. Resolves
 * whether or not the sink succeeded, as Sentry's capture calls do.
 */
export async function runCapture(prepared: PreparedCapture, hooks: CaptureHooks): Promise<'sent' | 'dropped'> {
  const { message, global, scope } = prepared;
  const merged = mergeScopeData(global, scope);
  const base: ScopeEvent = { ...message.event, event_id: message.eventId, timestamp: message.event.timestamp ?? Date.now() / 1000 };
  let event = applyScopeDataToEvent(base, merged, spanId());
  const hint: EventHint = { ...message.hint, event_id: message.eventId, propagationContext: merged.propagationContext };
  const attachments = [...(message.hint?.attachments ?? []), ...merged.attachments];
  if (attachments.length) hint.attachments = attachments;

  for (const processor of hooks.eventProcessors) {
    try {
      const result = await withTimeout(processor(event, hint), hooks.hookTimeoutMs, 'an event processor');
      if (result === null) return 'dropped';
      if (typeof result !== 'object' || Array.isArray(result)) {
        throw new ScopeError('INVALID_MESSAGE', `an event processor returned ${typeof result}, not an event or null; the event goes on without it`);
      }
      event = result;
    } catch (error) {
      hooks.report(error, 'eventProcessor');
    }
  }
  if (hooks.onEvent) {
    try {
      await withTimeout(hooks.onEvent(event, hint), hooks.hookTimeoutMs, 'onEvent');
    } catch (error) {
      hooks.report(error, 'onEvent');
    }
  }
  return 'sent';
}

async function withTimeout<T>(value: T | PromiseLike<T>, ms: number, what: string): Promise<T> {
  if (!isThenable(value)) return value;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ScopeError('TIMEOUT', `${what} did not settle within ${ms} ms`)), ms);
    timer.unref();
  });
  try {
    return await Promise.race([value, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function isThenable<T>(value: T | PromiseLike<T>): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | null)?.then === 'function';
}
