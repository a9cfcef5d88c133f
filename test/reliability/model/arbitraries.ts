import fc from 'fast-check';
import type { ScopeRef } from '../../../src/index.js';
import { Capture, Close, CloseService, Fork, Invalid, RawSend, UseClosed, Write } from './commands.js';
import * as ref from './reference.js';

const pick = fc.nat(50);
const key = fc.constantFrom('a', 'b', 'c', 'constructor', 'prototype', '__proto__', 'toString');
const tagValue = fc.oneof(fc.string({ maxLength: 5 }), fc.integer(), fc.boolean());
const json = fc.jsonValue({ maxDepth: 2 }).map(ref.deepCopy);
const dict = <T>(value: fc.Arbitrary<T>) => fc.dictionary(key, value, { maxKeys: 3 }).map(ref.deepCopy);
const level = fc.constantFrom('fatal', 'error', 'warning', 'log', 'info', 'debug');
const longText = fc.oneof(fc.string({ maxLength: 8 }), fc.integer({ min: 2040, max: 2100 }).map((n) => 'x'.repeat(n)));
const crumb: fc.Arbitrary<ref.ModelCrumb> = fc.record(
  { timestamp: fc.integer({ min: 1, max: 2e9 }), message: longText, category: fc.constantFrom('http', 'ui'), data: dict(json) },
  { requiredKeys: ['timestamp'] },
);
const hex = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789abcdef'), minLength: n, maxLength: n });

const w = (label: string, onModel: (s: ref.ModelScope, m: ref.Model) => void, onReal: (h: ScopeRef) => unknown) => (p: number) =>
  new Write(label, p, onModel, onReal);

/** Every public write, with its model counterpart. */
const writes = [
  fc.tuple(key, tagValue).map(([k, v]) => w('setTag', (s) => ref.put(s.tags, k, v), (h) => h.setTag(k, v))),
  dict(tagValue).map((tags) => w('setTags', (s) => Object.keys(tags).forEach((k) => ref.put(s.tags, k, tags[k])), (h) => h.setTags(tags as never))),
  fc.tuple(key, json).map(([k, v]) => w('setExtra', (s) => ref.put(s.extra, k, ref.deepCopy(v)), (h) => h.setExtra(k, v as never))),
  dict(json).map((ex) => w('setExtras', (s) => Object.keys(ex).forEach((k) => ref.put(s.extra, k, ref.deepCopy(ex[k]))), (h) => h.setExtras(ex as never))),
  fc.tuple(key, fc.option(dict(json))).map(([name, c]) =>
    w('setContext', (s) => (c === null ? delete s.contexts[name] : ref.put(s.contexts, name, ref.deepCopy(c))), (h) => h.setContext(name, c as never)),
  ),
  fc.option(dict(fc.string({ maxLength: 4 }))).map((u) => w('setUser', (s) => (s.user = ref.deepCopy(u)), (h) => h.setUser(u as never))),
  level.map((l) => w('setLevel', (s) => (s.level = l), (h) => h.setLevel(l as never))),
  fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }).map((f) => w('setFingerprint', (s) => (s.fingerprint = [...f]), (h) => h.setFingerprint(f))),
  fc.option(fc.string({ maxLength: 4 }), { nil: undefined }).map((n) => w('setTransactionName', (s) => (s.transactionName = n), (h) => h.setTransactionName(n))),
  crumb.map((c) => w('addBreadcrumb', (s, m) => ref.addBreadcrumb(m, s, c), (h) => h.addBreadcrumb(ref.deepCopy(c) as never))),
  fc.constant(w('clearBreadcrumbs', (s) => (s.breadcrumbs = []), (h) => h.clearBreadcrumbs())),
  fc.tuple(fc.constantFrom('a.txt', 'b.log'), fc.string({ maxLength: 6 })).map(([filename, data]) =>
    w('addAttachment', (s) => s.attachments.push({ filename, data }), (h) => h.addAttachment({ filename, data })),
  ),
  fc.constant(w('clearAttachments', (s) => (s.attachments = []), (h) => h.clearAttachments())),
  hex(32).map((traceId) => w('setPropagationContext', (s) => (s.traceId = traceId), (h) => h.setPropagationContext({ traceId, sampleRand: 0.5 }))),
  fc.constant(w('clear', ref.clear, (h) => h.clear())),
  fc.constant(w('snapshot', () => {}, (h) => h.snapshot())),
].map((arb) => fc.tuple(arb, pick).map(([make, p]) => make(p)));

const cyclic = (): object => {
  const o: Record<string, unknown> = {};
  o.self = o;
  return o;
};

/** Calls that must be refused with INVALID_MESSAGE (or UNKNOWN_SCOPE) and change nothing. */
const invalid: Array<[string, (h: ScopeRef, real: { service: { send(m: unknown): unknown } }, m: ref.Model) => unknown, ('UNKNOWN_SCOPE' | 'INVALID_MESSAGE')?]> = [
  ['setTag(object)', (h) => h.setTag('k', {} as never)],
  ['setTag(empty key)', (h) => h.setTag('', 1)],
  ['setLevel(nope)', (h) => h.setLevel('nope' as never)],
  ['addBreadcrumb(NaN)', (h) => h.addBreadcrumb({ timestamp: Number.NaN })],
  ['addBreadcrumb(message 5)', (h) => h.addBreadcrumb({ timestamp: 1, message: 5 as never })],
  ['setExtra(Date)', (h) => h.setExtra('k', new Date() as never)],
  ['setExtra(cyclic)', (h) => h.setExtra('k', cyclic() as never)],
  ['setFingerprint([1])', (h) => h.setFingerprint([1 as never])],
  ['setUser(array)', (h) => h.setUser([] as never)],
  ['setPropagationContext(bad)', (h) => h.setPropagationContext({ traceId: 'xyz' })],
  ['addAttachment(no name)', (h) => h.addAttachment({ filename: '', data: 'x' })],
  ['send(fork taken id)', (h, r, m) => r.service.send({ v: 1, type: 'fork', scope: h.id, id: m.scopes.at(-1)!.id })],
  ['send(close global)', (_, r) => r.service.send({ v: 1, type: 'close', scope: 'global' })],
  ['send(v2)', (h, r) => r.service.send({ v: 2, type: 'setTag', scope: h.id, key: 'k', value: 1 })],
  ['send(unknown type)', (h, r) => r.service.send({ v: 1, type: 'setEverything', scope: h.id })],
  ['send(unknown scope)', (_, r) => r.service.send({ v: 1, type: 'setTag', scope: 'nope', key: 'k', value: 1 }), 'UNKNOWN_SCOPE'],
];

const event: fc.Arbitrary<ref.ModelEvent> = fc.record(
  {
    message: fc.string({ maxLength: 5 }),
    level,
    transaction: fc.string({ maxLength: 4 }),
    tags: dict(tagValue),
    extra: dict(json),
    user: dict(fc.string({ maxLength: 3 })),
    fingerprint: fc.array(fc.string({ maxLength: 3 }), { maxLength: 2 }),
    breadcrumbs: fc.array(crumb, { maxLength: 2 }),
  },
  { requiredKeys: ['message'] },
);

/** Every operation of the service, weighted towards writes. */
export const commands = fc.commands(
  [
    ...writes,
    fc.tuple(pick, key, fc.string({ maxLength: 4 })).map(([p, k, v]) => new RawSend(p, k, v)),
    fc.tuple(pick, fc.boolean()).map(([p, isolation]) => new Fork(p, isolation)),
    fc.tuple(pick, fc.boolean()).map(([p, isolation]) => new Fork(p, isolation)),
    pick.map((p) => new Close(p)),
    fc.tuple(pick, event).map(([p, e]) => new Capture(p, e)),
    fc.tuple(fc.constantFrom(...invalid), pick).map(([[label, act, code], p]) => new Invalid(label, p, act, code)),
    fc.tuple(pick, fc.boolean()).map(([p, raw]) => new UseClosed(p, raw)),
    // Rare: it ends what the rest of the run can do.
    fc.oneof({ weight: 1, arbitrary: fc.constant(new CloseService()) }, { weight: 9, arbitrary: writes[0]! }),
  ],
  { maxCommands: 40, size: 'max' },
);
