import { describe, expect, it } from 'vitest';
import { applyScopeDataToEvent, mergeScopeData, type ScopeSnapshot } from '../../src/scope/index.js';

const snap = (over: Partial<ScopeSnapshot>): ScopeSnapshot => ({
  id: 's',
  version: 0,
  isolationId: 's',
  tags: {},
  extra: {},
  contexts: {},
  user: null,
  level: undefined,
  fingerprint: [],
  transactionName: undefined,
  breadcrumbs: [],
  attachments: [],
  propagationContext: { traceId: 'a'.repeat(32), sampleRand: 0.5 },
  ...over,
});

describe('mergeScopeData (global, then scope)', () => {
  const global = snap({
    tags: { a: 'g', g: 'g' },
    user: { id: 1, email: 'g@x.test' },
    contexts: { os: { name: 'g', version: '1' } },
    level: 'info',
    transactionName: 'global-tx',
    fingerprint: ['g'],
    breadcrumbs: [{ timestamp: 1, message: 'g' }],
    propagationContext: { traceId: 'b'.repeat(32), sampleRand: 0.1 },
  });
  const scope = snap({
    tags: { a: 's' },
    user: { id: 2 },
    contexts: { os: { name: 's' } },
    fingerprint: ['s'],
    breadcrumbs: [{ timestamp: 2, message: 's' }],
  });
  const merged = mergeScopeData(global, scope);

  it('lets the scope replace top-level keys, merging the user field by field', () => {
    expect(merged.tags).toEqual({ a: 's', g: 'g' });
    expect(merged.user).toEqual({ id: 2, email: 'g@x.test' });
    expect(merged.contexts).toEqual({ os: { name: 's' } });
  });

  it('keeps the global level and transaction when the scope sets none, concatenates lists, takes the scope trace', () => {
    expect(merged.level).toBe('info');
    expect(merged.transactionName).toBe('global-tx');
    expect(merged.fingerprint).toEqual(['g', 's']);
    expect(merged.breadcrumbs.map((c) => c.message)).toEqual(['g', 's']);
    expect(merged.propagationContext.traceId).toBe('a'.repeat(32));
  });
});

describe('applyScopeDataToEvent', () => {
  const data = mergeScopeData(
    snap({}),
    snap({ tags: { t: 'scope', only: 'scope' }, level: 'warning', transactionName: 'tx', fingerprint: ['f'], breadcrumbs: [{ timestamp: 3, message: 'scope' }] }),
  );

  it("lets the event's own fields win, the scope's level win, and concatenates event first", () => {
    const event = applyScopeDataToEvent(
      { tags: { t: 'event' }, level: 'error', fingerprint: ['e'], breadcrumbs: [{ timestamp: 1, message: 'event' }] },
      data,
      'c'.repeat(16),
    );
    expect(event.tags).toEqual({ t: 'event', only: 'scope' });
    expect(event.level).toBe('warning');
    expect(event.transaction).toBe('tx');
    expect(event.fingerprint).toEqual(['e', 'f']);
    expect(event.breadcrumbs!.map((c) => c.message)).toEqual(['event', 'scope']);
    expect(event.contexts!.trace).toEqual({ trace_id: 'a'.repeat(32), span_id: 'c'.repeat(16) });
  });

  it('leaves the transaction of transaction events and an existing trace context alone', () => {
    const trace = { trace_id: 'd'.repeat(32), span_id: 'e'.repeat(16) };
    const event = applyScopeDataToEvent({ type: 'transaction', transaction: 'own', contexts: { trace } }, data, 'c'.repeat(16));
    expect(event.transaction).toBe('own');
    expect(event.contexts!.trace).toBe(trace);
  });

  it('drops an empty fingerprint and reports the parent span', () => {
    const bare = mergeScopeData(snap({}), snap({ propagationContext: { traceId: 'a'.repeat(32), parentSpanId: 'f'.repeat(16), sampleRand: 0.3 } }));
    const event = applyScopeDataToEvent({ fingerprint: [] }, bare, 'c'.repeat(16));
    expect(event).not.toHaveProperty('fingerprint');
    expect(event.contexts!.trace!.parent_span_id).toBe('f'.repeat(16));
  });
});
