// Field-by-field: the same scope data through scope-actor's merge and through @sentry/core's.
import * as sentry from '@sentry/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createScopeService, type ScopeService } from '../../../src/index.js';
import { applyScopeDataToEvent, mergeScopeData, type EventHint, type ScopeEvent } from '../../../src/scope/index.js';
import { applySentryScope, type SentryScopeImport } from '../../../src/integrations/sentry/index.js';

type Data = Partial<SentryScopeImport>;
interface Case {
  name: string;
  global: Data;
  scope: Data;
  event: ScopeEvent;
  hint?: EventHint;
}

const T1 = 'a'.repeat(32);
const T2 = 'b'.repeat(32);
const S1 = 'c'.repeat(16);
const S2 = 'd'.repeat(16);
const pc = (traceId: string, extra: object = {}) => ({ traceId, sampleRand: 0.5, propagationSpanId: S1, ...extra });

const TABLE: Case[] = [
  { name: 'tags and extra: scope over global, event over both', global: { tags: { a: 'g', b: 'g' }, extra: { x: 1, y: 1 } }, scope: { tags: { b: 's', c: 's' }, extra: { y: 2 } }, event: { tags: { c: 'e', d: 'e' }, extra: { z: 3 } } },
  { name: 'user merged field by field', global: { user: { id: 1, email: 'g@x.test' } }, scope: { user: { username: 's' } }, event: { user: { ip_address: '127.0.0.1' } } },
  { name: 'user: event id over scope id', global: {}, scope: { user: { id: 2, email: 's@x.test' } }, event: { user: { id: 3 } } },
  { name: 'contexts replaced whole, one level deep', global: { contexts: { os: { name: 'linux', version: '6' }, app: { name: 'g' } } }, scope: { contexts: { os: { name: 'darwin' } } }, event: { contexts: { app: { build: '7' } } } },
  { name: 'level: scope over global over event', global: { level: 'info' }, scope: { level: 'warning' }, event: { level: 'error' } },
  { name: 'level: global only, over the event', global: { level: 'debug' }, scope: {}, event: { level: 'error' } },
  { name: 'level: the event keeps its own when no scope sets one', global: {}, scope: {}, event: { level: 'fatal' } },
  { name: 'transaction name on an error event', global: { transactionName: 'global-tx' }, scope: { transactionName: 'GET /users' }, event: { message: 'boom' } },
  { name: 'transaction name from the global scope only', global: { transactionName: 'global-tx' }, scope: {}, event: { transaction: 'own' } },
  { name: 'transaction events keep their transaction', global: {}, scope: { transactionName: 'scope-tx' }, event: { type: 'transaction', transaction: 'own', contexts: { trace: { trace_id: T2, span_id: S2 } } } },
  { name: 'fingerprint: event, global, scope', global: { fingerprint: ['g'] }, scope: { fingerprint: ['s1', 's2'] }, event: { fingerprint: ['e'] } },
  { name: 'fingerprint: a string on the event', global: {}, scope: { fingerprint: ['s'] }, event: { fingerprint: 'e' as unknown as string[] } },
  { name: 'fingerprint: empty everywhere is dropped', global: {}, scope: {}, event: { fingerprint: [] } },
  {
    name: 'breadcrumbs: event, global, scope; long messages cut',
    global: { breadcrumbs: [{ timestamp: 1, message: 'g', category: 'c', data: { k: 1 } }] },
    scope: { breadcrumbs: [{ timestamp: 2, message: 'x'.repeat(3000), level: 'warning', type: 'http' }, { timestamp: 3, message: 's' }] },
    event: { breadcrumbs: [{ timestamp: 0, message: 'e' }] },
  },
  { name: 'attachments: hint, global, scope', global: { attachments: [{ filename: 'g.txt', data: 'g' }] }, scope: { attachments: [{ filename: 's.bin', data: new Uint8Array([1, 2]), contentType: 'application/octet-stream' }] }, event: {}, hint: { attachments: [{ filename: 'h.txt', data: 'h' }] } },
  { name: 'trace context from the scope when the event has none', global: { propagationContext: pc(T2, { parentSpanId: S2 }) }, scope: { propagationContext: pc(T1, { parentSpanId: S2, sampled: true }) }, event: {} },
  { name: 'trace context: the scope trace, not the global parent', global: { propagationContext: pc(T2, { parentSpanId: S2 }) }, scope: { propagationContext: pc(T1) }, event: {} },
  { name: "the event's own trace context is kept whole", global: {}, scope: { propagationContext: pc(T1, { parentSpanId: S2 }) }, event: { contexts: { trace: { trace_id: T2, span_id: S2, op: 'own' } } } },
  { name: 'nothing set anywhere', global: {}, scope: { propagationContext: pc(T1) }, event: { message: 'plain' } },
];

// Both sides get the same traces: a new scope's random one would differ between them.
const CASES = TABLE.map((c) => ({
  ...c,
  global: { propagationContext: pc(T2), ...c.global },
  scope: { propagationContext: pc(T1), ...c.scope },
}));

function sentryScope(data: Data): sentry.Scope {
  const scope = new sentry.Scope();
  if (data.tags) scope.setTags(data.tags as Record<string, string>);
  if (data.extra) scope.setExtras(data.extra);
  if (data.user) scope.setUser(data.user as sentry.User);
  for (const [name, context] of Object.entries(data.contexts ?? {})) scope.setContext(name, context);
  if (data.level) scope.setLevel(data.level);
  if (data.transactionName) scope.setTransactionName(data.transactionName);
  if (data.fingerprint) scope.setFingerprint(data.fingerprint);
  for (const crumb of data.breadcrumbs ?? []) scope.addBreadcrumb(crumb);
  for (const attachment of data.attachments ?? []) scope.addAttachment(attachment);
  if (data.propagationContext) scope.setPropagationContext(data.propagationContext as sentry.PropagationContext);
  return scope;
}

/** @sentry/core 11's merge, in the order its client runs it (prepareEvent, then _prepareEvent's trace context). */
function sentryMerge(c: Case): { event: ScopeEvent; attachments: unknown[] } {
  const current = sentryScope(c.scope);
  const data = sentryScope(c.global).getScopeData();
  sentry.mergeScopeData(data, current.getScopeData());
  const event = structuredClone(c.event) as sentry.Event;
  sentry.applyScopeDataToEvent(event, data);
  event.contexts = { trace: { ...event.contexts?.trace, ...sentry.getTraceContextFromScope(current) }, ...event.contexts };
  delete event.sdkProcessingMetadata;
  return { event: event as ScopeEvent, attachments: [...(c.hint?.attachments ?? []), ...data.attachments] };
}

let service: ScopeService | undefined;
afterEach(async () => {
  await service?.close();
  service = undefined;
});

function ourScopes(c: Case, events: Array<[ScopeEvent, EventHint]>) {
  service = createScopeService({ onEvent: (event, hint) => void events.push([event, hint]), maxBreadcrumbs: 100 });
  const scope = service.fork();
  for (const [ref, data] of [[service.global, c.global], [scope, c.scope]] as const) {
    applySentryScope(ref, { tags: {}, extra: {}, contexts: {}, user: null, level: undefined, fingerprint: [], transactionName: undefined, breadcrumbs: [], attachments: [], propagationContext: ref.snapshot().propagationContext, ...data });
  }
  return scope;
}

const FIELDS = ['tags', 'extra', 'user', 'level', 'transaction', 'fingerprint', 'breadcrumbs'] as const;

function expectSame(ours: ScopeEvent, theirs: ScopeEvent): void {
  for (const field of FIELDS) expect({ field, value: ours[field] }).toEqual({ field, value: theirs[field] });
  const { trace: ourTrace, ...ourContexts } = ours.contexts ?? {};
  const { trace: theirTrace, ...theirContexts } = theirs.contexts ?? {};
  expect(ourContexts).toEqual(theirContexts);
  expect(ourTrace).toEqual(theirTrace);
}

describe('scope-actor merges scope data into events as @sentry/core 11 does', () => {
  it.each(CASES)('$name (mergeScopeData + applyScopeDataToEvent)', (c) => {
    const scope = ourScopes(c, []);
    const merged = mergeScopeData(service!.global.snapshot(), scope.snapshot());
    const theirs = sentryMerge(c);
    expectSame(applyScopeDataToEvent(structuredClone(c.event), merged, 'f'.repeat(16)), theirs.event);
    expect([...(c.hint?.attachments ?? []), ...merged.attachments]).toEqual(theirs.attachments);
  });

  it.each(CASES)('$name (end to end through a capture)', async (c) => {
    const events: Array<[ScopeEvent, EventHint]> = [];
    const scope = ourScopes(c, events);
    const eventId = await scope.captureEvent(structuredClone(c.event), c.hint);
    expect(events).toHaveLength(1);
    const [event, hint] = events[0]!;
    expect(event.event_id).toBe(eventId);
    const theirs = sentryMerge(c);
    expectSame(event, theirs.event);
    expect(hint.attachments ?? []).toEqual(theirs.attachments);
  });
});
