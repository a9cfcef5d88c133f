import type { Breadcrumb } from '../scope/index.js';
import type { CaptureHooks, EventProcessor, EventSink } from './capture.js';

export interface ScopeServiceOptions {
  /** Breadcrumbs kept per scope, oldest dropped first. Default 100. */
  maxBreadcrumbs?: number;
  /** Messages that may wait in the mailbox before a send fails with MAILBOX_FULL. Default 100,000. */
  mailboxLimit?: number;
  /** Runs in the owner for every breadcrumb; return it (changed or not) or null to drop it. */
  beforeBreadcrumb?: (crumb: Breadcrumb) => Breadcrumb | null;
  /** Run in order on every captured event after the scope merge; null drops the event. */
  eventProcessors?: EventProcessor[];
  /** The sink: a transport, a Sentry client (see `scope-actor/sentry`), a test. */
  onEvent?: EventSink;
  /** Told of failures the service survives: throwing hooks, timeouts, rejected queued writes. Default: console.warn. */
  onError?: (error: unknown, origin: string) => void;
  /** How long an event processor or `onEvent` may take before it is abandoned as TIMEOUT. Default 30,000 ms. */
  hookTimeoutMs?: number;
}

export interface ResolvedOptions extends CaptureHooks {
  readonly maxBreadcrumbs: number;
  readonly mailboxLimit: number;
  readonly beforeBreadcrumb?: (crumb: Breadcrumb) => Breadcrumb | null;
  readonly onError: (error: unknown, origin: string) => void;
}

const warn = (error: unknown, origin: string): void => console.warn(`[scope-actor] ${origin}:`, error);

/** Defaults filled in, nonsense refused at once (TypeError/RangeError, as Node's own APIs do). */
export function resolveOptions(options: ScopeServiceOptions, report: (error: unknown, origin: string) => void): ResolvedOptions {
  const { maxBreadcrumbs = 100, mailboxLimit = 100_000, hookTimeoutMs = 30_000, eventProcessors = [] } = options;
  integer('maxBreadcrumbs', maxBreadcrumbs, 0);
  integer('mailboxLimit', mailboxLimit, 1);
  integer('hookTimeoutMs', hookTimeoutMs, 1);
  for (const name of ['beforeBreadcrumb', 'onEvent', 'onError'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw new TypeError(`options.${name} must be a function`);
  }
  if (!Array.isArray(eventProcessors) || eventProcessors.some((p) => typeof p !== 'function')) {
    throw new TypeError('options.eventProcessors must be an array of functions');
  }
  return {
    maxBreadcrumbs,
    mailboxLimit,
    hookTimeoutMs,
    eventProcessors: [...eventProcessors],
    beforeBreadcrumb: options.beforeBreadcrumb,
    onEvent: options.onEvent,
    onError: options.onError ?? warn,
    report,
  };
}

function integer(name: string, value: unknown, min: number): void {
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new TypeError(`options.${name} must be an integer`);
  if (value < min) throw new RangeError(`options.${name} must be at least ${min}`);
}
