import type { Breadcrumb } from '../scope/index.js';
import type { CaptureHooks } from './capture.js';
import type { ScopeServiceOptions } from './service.js';

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
