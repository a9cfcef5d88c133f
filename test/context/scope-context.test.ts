import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createScopeService, type ScopeRef } from '../../src/index.js';
import { createScopeContext } from '../../src/context/index.js';
import { expectCode } from '../shared/scope-behaviour.js';

const setup = () => {
  const service = createScopeService();
  const context = createScopeContext(service);
  /** Live scopes, after every queued write (a close may still wait in the mailbox). */
  const liveScopes = () => {
    service.flush();
    return service.stats().scopes;
  };
  return { service, context, liveScopes, baseline: liveScopes() };
};

describe('getters outside any context', () => {
  it('return the global scope', () => {
    const { service, context } = setup();
    expect(context.getCurrentScope()).toBe(service.global);
    expect(context.getIsolationScope()).toBe(service.global);
  });

  it('return the global scope again once a context has ended, sync or async', async () => {
    const { service, context } = setup();
    context.withIsolationScope(() => context.withScope(() => undefined));
    expect(context.getCurrentScope()).toBe(service.global);
    await context.withIsolationScope(async () => delay(1));
    expect(context.getIsolationScope()).toBe(service.global);
  });
});

describe('withIsolationScope', () => {
  it('forks a new isolation scope that is both the current and the isolation scope', () => {
    const { service, context } = setup();
    service.global.setTag('global', true);
    context.withIsolationScope((scope) => {
      expect(scope).not.toBe(service.global);
      expect(context.getCurrentScope()).toBe(scope);
      expect(context.getIsolationScope()).toBe(scope);
      const snap = scope.snapshot();
      expect(snap.isolationId).toBe(scope.id);
      expect(snap.tags).toEqual({}); // a fork of the global scope starts empty
    });
  });

  it('nested, forks the current isolation scope (a copy), not the current scope', () => {
    const { context } = setup();
    context.withIsolationScope((outer) => {
      outer.setTag('request', 'r1');
      context.withScope((child) => {
        child.setTag('step', 'only-on-child');
        context.withIsolationScope((inner) => {
          expect(inner.snapshot().tags).toEqual({ request: 'r1' });
          expect(inner.snapshot().isolationId).toBe(inner.id);
          expect(context.getIsolationScope()).toBe(inner);
          expect(context.getCurrentScope()).toBe(inner);
          inner.setTag('request', 'r2');
        });
        expect(context.getCurrentScope()).toBe(child);
        expect(context.getIsolationScope()).toBe(outer);
      });
      expect(outer.snapshot().tags).toEqual({ request: 'r1' });
    });
  });
});

describe('withScope', () => {
  it('outside any context forks the global scope and keeps the global isolation scope', () => {
    const { service, context } = setup();
    service.global.setTag('global', true);
    context.withScope((scope) => {
      expect(context.getCurrentScope()).toBe(scope);
      expect(context.getIsolationScope()).toBe(service.global);
      expect(scope.snapshot()).toMatchObject({ tags: {}, isolationId: 'global' });
    });
  });

  it('forks the current scope: a point-in-time copy, under the same isolation scope', async () => {
    const { context } = setup();
    await context.withIsolationScope(async (iso) => {
      iso.setUser({ id: 'u1' }).addBreadcrumb({ message: 'before' });
      await context.withScope(async (child) => {
        expect(context.getIsolationScope()).toBe(iso);
        await delay(1);
        expect(context.getCurrentScope()).toBe(child);
        child.addBreadcrumb({ message: 'in child' });
        await context.withScope(async (grandchild) => {
          await delay(1);
          expect(grandchild.snapshot().breadcrumbs.map((c) => c.message)).toEqual(['before', 'in child']);
          expect(grandchild.snapshot().isolationId).toBe(iso.id);
        });
        expect(context.getCurrentScope()).toBe(child);
      });
      expect(iso.snapshot().breadcrumbs.map((c) => c.message)).toEqual(['before']);
    });
  });
});

describe('closing when fn settles', () => {
  const paths = {
    'sync return': () => 'value',
    'sync throw': () => {
      throw new Error('sync');
    },
    'promise resolve': async () => {
      await delay(1);
      return 'value';
    },
    'promise reject': async () => {
      await delay(1);
      throw new Error('async');
    },
  };

  for (const [path, body] of Object.entries(paths)) {
    for (const kind of ['withScope', 'withIsolationScope'] as const) {
      it(`${kind}: ${path} closes the scope before the caller sees the outcome`, async () => {
        const { context, liveScopes, baseline } = setup();
        let opened: ScopeRef | undefined;
        const run = () =>
          context[kind]((scope) => {
            opened = scope;
            expect(liveScopes()).toBe(baseline + 1);
            return body();
          });
        let closedWhenSeen: boolean | undefined;
        const seen = () => void (closedWhenSeen = opened?.closed);
        try {
          await Promise.resolve(run()).then(seen, seen);
        } catch {
          seen();
        }
        expect(closedWhenSeen).toBe(true);
        expect(liveScopes()).toBe(baseline);
        expectCode(() => opened!.setTag('late', 1), 'SCOPE_CLOSED');
      });
    }
  }

  it('tolerates fn closing its scope itself', () => {
    const { context, liveScopes, baseline } = setup();
    expect(context.withScope((scope) => (scope.close(), 'done'))).toBe('done');
    expect(liveScopes()).toBe(baseline);
  });

  it('retries a close refused with MAILBOX_FULL once the mailbox drained, keeping fn’s value', async () => {
    const service = createScopeService({ mailboxLimit: 3 });
    const context = createScopeContext(service);
    let opened: ScopeRef | undefined;
    // fork + two writes fill the mailbox, so the first close attempt is refused
    const value = context.withScope((scope) => ((opened = scope), scope.setTag('a', 1).setTag('b', 2), 'kept'));
    expect(value).toBe('kept');
    await Promise.resolve();
    service.flush();
    expect(opened?.closed).toBe(true);
    expect(service.stats().scopes).toBe(1);
  });
});

describe('results and errors', () => {
  it('returns a sync value as it is', () => {
    const { context } = setup();
    const value = { answer: 42 };
    expect(context.withScope(() => value)).toBe(value);
    expect(context.withIsolationScope(() => value)).toBe(value);
  });

  it('rethrows a sync error as it is', () => {
    const { context } = setup();
    const error = new TypeError('boom');
    expect(() =>
      context.withIsolationScope(() =>
        context.withScope(() => {
          throw error;
        }),
      ),
    ).toThrow(error);
  });

  it('resolves to the same value and rejects with the same reason', async () => {
    const { context } = setup();
    const value = { answer: 42 };
    const error = new RangeError('async boom');
    await expect(context.withScope(async () => value)).resolves.toBe(value);
    await expect(context.withIsolationScope(() => Promise.reject(error))).rejects.toBe(error);
    await expect(context.withIsolationScope(() => context.withScope(async () => Promise.reject(error)))).rejects.toBe(error);
  });

  it('adopts a non-native thenable and closes when it settles', async () => {
    const { context, liveScopes, baseline } = setup();
    let resolve: (value: string) => void = () => undefined;
    const promise = new Promise<string>((ok) => (resolve = ok));
    const thenable: PromiseLike<string> = { then: (ok, fail) => promise.then(ok, fail) };
    const result = context.withScope(() => thenable);
    expect(liveScopes()).toBe(baseline + 1);
    resolve('later');
    await expect(result).resolves.toBe('later');
    expect(liveScopes()).toBe(baseline);
  });
});
