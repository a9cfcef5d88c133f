import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createScopeService, ScopeError, type ScopeRef } from '../../src/index.js';

/** Arguments that are sometimes valid and sometimes not, so both paths are exercised. */
const value = fc.oneof(
  fc.string({ maxLength: 4 }),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.constant(undefined),
  fc.constant(Symbol('bad')),
  fc.constant(() => 'bad'),
  fc.constant(new Date(0)),
  fc.dictionary(fc.constantFrom('a', 'b', '__proto__'), fc.integer(), { maxKeys: 2 }),
);
const key = fc.constantFrom('a', 'b', '', '__proto__');

type Op = (scopes: ScopeRef[], pick: number) => unknown;
const op: fc.Arbitrary<[string, Op]> = fc.oneof(
  fc.tuple(key, value).map(([k, v]) => [`setTag(${k})`, (s, i) => s[i]!.setTag(k, v as never)] as [string, Op]),
  fc.tuple(key, value).map(([k, v]) => [`setExtra(${k})`, (s, i) => s[i]!.setExtra(k, v as never)] as [string, Op]),
  value.map((v) => ['setUser', (s, i) => s[i]!.setUser(v as never)] as [string, Op]),
  value.map((v) => ['setContext', (s, i) => s[i]!.setContext('c', v as never)] as [string, Op]),
  fc.constantFrom('info', 'error', 'nope').map((l) => ['setLevel', (s, i) => s[i]!.setLevel(l as never)] as [string, Op]),
  value.map((v) => ['addBreadcrumb', (s, i) => s[i]!.addBreadcrumb({ message: v as never })] as [string, Op]),
  fc.constant(['clear', (s, i) => s[i]!.clear()] as [string, Op]),
  fc.boolean().map((isolation) => ['fork', (s, i) => s.push(s[i]!.fork({ isolation }))] as [string, Op]),
  fc.constant(['close', (s, i) => (i > 0 ? s[i]!.close() : undefined)] as [string, Op]),
  fc.constant(['snapshot', (s, i) => s[i]!.snapshot()] as [string, Op]),
);

describe('the service under random valid and invalid calls', () => {
  it('conserves counts and never changes a scope on a rejection', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(op, fc.nat()), { maxLength: 60 }), (ops) => {
        const service = createScopeService({ maxBreadcrumbs: 4, onError: () => {} });
        const scopes: ScopeRef[] = [service.fork()];
        for (const [[, run], n] of ops) {
          const i = n % scopes.length;
          const before = scopes.map((s) => (s.closed ? undefined : s.snapshot()));
          try {
            run(scopes, i);
          } catch (error) {
            expect(error).toBeInstanceOf(ScopeError);
            const after = scopes.slice(0, before.length).map((s) => (s.closed ? undefined : s.snapshot()));
            after.forEach((snap, j) => expect(snap).toBe(before[j]));
          }
          const stats = service.stats();
          expect(stats.received).toBe(stats.applied + stats.rejected + stats.mailboxDepth);
        }
        service.global.snapshot();
        const end = service.stats();
        expect(end.mailboxDepth).toBe(0);
        expect(end.received).toBe(end.applied + end.rejected);
        expect(end.scopes).toBe(1 + scopes.filter((s) => !s.closed).length);
      }),
      { numRuns: 300 },
    );
  });
});
