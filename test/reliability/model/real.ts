import { expect } from 'vitest';
import { createScopeService, type ScopeError, type ScopeEvent, type ScopeRef, type ScopeService, type ScopeSnapshot } from '../../../src/index.js';
import { expectCode } from '../../shared/scope-behaviour.js';
import { newModel, type Model, type ModelScope } from './reference.js';

/** The system under test: a real service and the in-thread handles of every scope the test made. */
export interface Real {
  service: ScopeService;
  refs: Map<string, ScopeRef>;
  events: Map<string, ScopeEvent>;
  /** Failures the service survived and reported; the model run expects none it did not cause. */
  reported: unknown[];
}

export function setup(maxBreadcrumbs: number): { model: Model; real: Real } {
  const events = new Map<string, ScopeEvent>();
  const reported: unknown[] = [];
  const service = createScopeService({
    maxBreadcrumbs,
    onEvent: (event) => void events.set(event.event_id!, event),
    onError: (error) => void reported.push(error),
  });
  return { model: newModel(maxBreadcrumbs), real: { service, refs: new Map([['global', service.global]]), events, reported } };
}

/**
 * A form of plain data that compares exactly: objects become sorted [key, value] lists, so keys
 * such as `constructor` or `__proto__` (which confuse deep-equality helpers) and undefined
 * values are compared as data.
 */
export function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value instanceof Uint8Array) return [...value];
  if (typeof value !== 'object' || value === null) return value;
  return Object.keys(value)
    .sort()
    .map((key) => [key, canonical((value as Record<string, unknown>)[key])]);
}

/** The snapshot fields the model tracks (trace ids are random unless set explicitly). */
function comparable(s: ScopeSnapshot | ModelScope, withTrace: boolean): object {
  const traceId = 'propagationContext' in s ? s.propagationContext.traceId : s.traceId;
  return {
    id: s.id,
    isolationId: s.isolationId,
    tags: s.tags,
    extra: s.extra,
    contexts: s.contexts,
    user: s.user,
    level: s.level,
    fingerprint: s.fingerprint,
    transactionName: s.transactionName,
    breadcrumbs: s.breadcrumbs,
    attachments: s.attachments.map((a) => ({ filename: a.filename, data: a.data })),
    ...(withTrace ? { traceId } : {}),
  };
}

/** Every live scope of the real service equals the model's; counts are conserved. */
export function expectAgreement(model: Model, real: Real): void {
  if (model.serviceClosed) return;
  for (const scope of model.scopes) {
    const snapshot = real.refs.get(scope.id)!.snapshot();
    const withTrace = scope.traceId !== undefined;
    expect(canonical(comparable(snapshot, withTrace))).toStrictEqual(canonical(comparable(scope, withTrace)));
  }
  const stats = real.service.stats();
  expect(stats.scopes).toBe(model.scopes.length);
  expect(stats.received).toBe(stats.applied + stats.rejected + stats.mailboxDepth);
}

/** Runs `act`, which must throw ScopeError `code`, and proves no live scope changed. */
export function expectRefused(model: Model, real: Real, code: ScopeError['code'], act: () => unknown): void {
  const before = model.serviceClosed ? [] : model.scopes.map((s) => real.refs.get(s.id)!.snapshot());
  expectCode(act, code);
  if (!model.serviceClosed) model.scopes.forEach((s, i) => expect(real.refs.get(s.id)!.snapshot()).toBe(before[i]));
}
