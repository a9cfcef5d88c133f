import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { applyMutation, emptyScopeData, forkData, ScopeDraft, snapshotOf, type Mutation, type ScopeData } from '../../src/scope/index.js';

const options = { maxBreadcrumbs: 3 };
const trace = Object.freeze({ traceId: 'a'.repeat(32), sampleRand: 0.5 });
const apply = (data: ScopeData, ...mutations: Mutation[]) => mutations.reduce((d, m) => applyMutation(d, m, options), data);

describe('applyMutation', () => {
  const empty = emptyScopeData(trace);

  it('returns new frozen data and leaves the input as it was', () => {
    const next = apply(empty, { type: 'setTag', key: 'a', value: 1 });
    expect(next).not.toBe(empty);
    expect(empty.tags).toEqual({});
    expect(next.tags).toEqual({ a: 1 });
    expect(Object.isFrozen(next) && Object.isFrozen(next.tags)).toBe(true);
  });

  it('returns the same data when the mutation changes nothing', () => {
    const data = apply(empty, { type: 'setTag', key: 'a', value: 1 }, { type: 'setLevel', level: 'info' });
    const same: Mutation[] = [
      { type: 'setTag', key: 'a', value: 1 },
      { type: 'setTags', tags: { a: 1 } },
      { type: 'setLevel', level: 'info' },
      { type: 'setContext', name: 'none', context: null },
      { type: 'setUser', user: null },
      { type: 'setFingerprint', fingerprint: [] },
      { type: 'setTransactionName', name: undefined },
      { type: 'clearBreadcrumbs' },
      { type: 'clearAttachments' },
    ];
    for (const m of same) expect(applyMutation(data, m, options)).toBe(data);
  });

  it('shallow-merges setTags and setExtras, replaces a context whole, deletes with null', () => {
    let data = apply(
      empty,
      { type: 'setTags', tags: { a: 1, b: 2 } },
      { type: 'setTags', tags: { b: 3 } },
      { type: 'setExtras', extras: { x: { deep: 1 } } },
      { type: 'setExtras', extras: { y: 2 } },
      { type: 'setContext', name: 'os', context: { name: 'linux', version: '6' } },
      { type: 'setContext', name: 'os', context: { name: 'bsd' } },
    );
    expect(data.tags).toEqual({ a: 1, b: 3 });
    expect(data.extra).toEqual({ x: { deep: 1 }, y: 2 });
    expect(data.contexts).toEqual({ os: { name: 'bsd' } });
    data = apply(data, { type: 'setContext', name: 'os', context: null });
    expect(data.contexts).toEqual({});
  });

  it('stores __proto__ and constructor keys as data without touching prototypes', () => {
    const data = apply(empty, { type: 'setTag', key: '__proto__', value: 'x' }, { type: 'setTag', key: 'constructor', value: 'y' });
    expect(Object.getPrototypeOf(data.tags)).toBe(Object.prototype);
    expect(Object.keys(data.tags)).toEqual(['__proto__', 'constructor']);
    expect(({} as Record<string, unknown>).x).toBeUndefined();
  });

  it('cuts breadcrumb messages over 2048 characters and keeps the newest maxBreadcrumbs', () => {
    const long = 'x'.repeat(2049);
    let data = apply(empty, { type: 'addBreadcrumb', breadcrumb: { timestamp: 1, message: long } });
    expect(data.breadcrumbs.toArray()[0]!.message).toBe(`${'x'.repeat(2048)}...`);
    for (let i = 2; i <= 5; i++) data = apply(data, { type: 'addBreadcrumb', breadcrumb: { timestamp: i } });
    expect(data.breadcrumbs.toArray().map((c) => c.timestamp)).toEqual([3, 4, 5]);
  });

  it('clears everything and takes the new trace', () => {
    const fresh = Object.freeze({ traceId: 'b'.repeat(32), sampleRand: 0.1 });
    const full = apply(empty, { type: 'setTag', key: 'a', value: 1 }, { type: 'setUser', user: { id: 1 } }, { type: 'addAttachment', attachment: { filename: 'f', data: 'd' } });
    const cleared = apply(full, { type: 'clear', propagationContext: fresh });
    expect(snapshotOf('s', 's', 0, cleared)).toMatchObject({ tags: {}, user: null, attachments: [], breadcrumbs: [], propagationContext: fresh });
  });
});

describe('ScopeDraft breadcrumbs', () => {
  it('keeps the newest max crumbs under any mix of bursts, reads, clears and forks', () => {
    const op = fc.oneof(
      { arbitrary: fc.constant({ kind: 'add' as const }), weight: 8 },
      { arbitrary: fc.constantFrom({ kind: 'read' as const }, { kind: 'clearBreadcrumbs' as const }, { kind: 'clear' as const }, { kind: 'fork' as const }), weight: 1 },
    );
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 70 }), fc.array(op, { maxLength: 500 }), (max, ops) => {
        const opts = { maxBreadcrumbs: max };
        let draft = new ScopeDraft(emptyScopeData(trace));
        let model: number[] = [];
        const sealed: Array<{ data: ScopeData; crumbs: number[] }> = [];
        ops.forEach((o, i) => {
          if (o.kind === 'add') {
            draft.apply({ type: 'addBreadcrumb', breadcrumb: { timestamp: i } }, opts);
            model = max === 0 ? [] : [...model, i].slice(-max);
          } else if (o.kind === 'clearBreadcrumbs' || o.kind === 'clear') {
            draft.apply(o.kind === 'clear' ? { type: 'clear' } : { type: 'clearBreadcrumbs' }, opts);
            model = [];
          } else {
            const data = draft.seal();
            sealed.push({ data, crumbs: model });
            if (o.kind === 'fork') draft = new ScopeDraft(data); // a fork goes on from the sealed data
          }
        });
        sealed.push({ data: draft.seal(), crumbs: model });
        // Every sealed value still shows what it held when it was sealed, whatever came after.
        for (const { data, crumbs } of sealed) expect(data.breadcrumbs.toArray().map((c) => c.timestamp)).toEqual(crumbs);
      }),
      { numRuns: 300 },
    );
  });
});

describe('forkData', () => {
  it('shares the parent data (O(1)) and takes a new trace only when given one', () => {
    const parent = apply(emptyScopeData(trace), { type: 'addBreadcrumb', breadcrumb: { timestamp: 1 } });
    expect(forkData(parent)).toBe(parent);
    const fresh = Object.freeze({ traceId: 'c'.repeat(32), sampleRand: 0.2 });
    const iso = forkData(parent, fresh);
    expect(iso.breadcrumbs).toBe(parent.breadcrumbs);
    expect(iso.propagationContext).toBe(fresh);
  });
});
