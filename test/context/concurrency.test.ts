import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { createScopeService, type ScopeEvent } from '../../src/index.js';
import { createScopeContext } from '../../src/context/index.js';
import { expectCode } from '../shared/scope-behaviour.js';

const FLOWS = 300;
const jitter = () => delay(Math.floor(Math.random() * 3));

describe('concurrent flows', () => {
  it('each keep their own scopes through interleaved awaits, and leave no scope behind', async () => {
    const events: ScopeEvent[] = [];
    const service = createScopeService({ onEvent: (event) => void events.push(event) });
    const { withIsolationScope, withScope, getCurrentScope, getIsolationScope } = createScopeContext(service);
    const baseline = service.stats().scopes;

    const flow = (n: number) =>
      withIsolationScope(async (iso) => {
        iso.setUser({ id: `user-${n}` }).setTag('flow', n);
        await jitter();
        getCurrentScope().addBreadcrumb({ message: `${n}:start` });
        await withScope(async (step) => {
          await jitter();
          expect(getIsolationScope()).toBe(iso);
          getCurrentScope().addBreadcrumb({ message: `${n}:step` });
          await jitter();
          expect(getCurrentScope()).toBe(step);
          await getCurrentScope().captureMessage(`flow ${n}`);
        });
        await jitter();
        expect(getCurrentScope()).toBe(iso);
        return n;
      });

    const results = await Promise.all(Array.from({ length: FLOWS }, (_, n) => flow(n)));

    expect(results).toEqual(Array.from({ length: FLOWS }, (_, n) => n));
    expect(events).toHaveLength(FLOWS);
    for (const event of events) {
      const n = Number(/^flow (\d+)$/.exec(event.message as string)?.[1]);
      expect(event.user).toEqual({ id: `user-${n}` });
      expect(event.tags).toEqual({ flow: n });
      expect(event.breadcrumbs?.map((c) => c.message)).toEqual([`${n}:start`, `${n}:step`]);
    }
    expect(service.global.snapshot().breadcrumbs).toEqual([]);
    service.flush();
    expect(service.stats().scopes).toBe(baseline);
  });

  it('async work that outlives fn still sees its frame, whose scope is closed by then', async () => {
    const service = createScopeService();
    const { withScope, getCurrentScope } = createScopeContext(service);
    let late: Promise<void> = Promise.resolve();
    const scope = withScope((opened) => {
      late = delay(1).then(() => {
        expect(getCurrentScope()).toBe(opened);
        expectCode(() => getCurrentScope().setTag('a', 1), 'SCOPE_CLOSED');
        expectCode(() => withScope(() => 'not called'), 'SCOPE_CLOSED');
      });
      return opened;
    });
    await late;
    expect(scope.closed).toBe(true);
  });
});

describe('the service closed while a context is active', () => {
  it('keeps the frame, makes its scopes throw SERVICE_CLOSED, and still returns fn’s value', async () => {
    const service = createScopeService();
    const { withIsolationScope, withScope, getCurrentScope, getIsolationScope } = createScopeContext(service);
    let called = false;
    const value = await withIsolationScope(async (scope) => {
      await service.close();
      expect(getCurrentScope()).toBe(scope);
      expect(getIsolationScope()).toBe(scope);
      expectCode(() => scope.setTag('a', 1), 'SERVICE_CLOSED');
      expectCode(() => withScope(() => (called = true)), 'SERVICE_CLOSED');
      expectCode(() => withIsolationScope(() => (called = true)), 'SERVICE_CLOSED');
      return 'kept';
    });
    expect(value).toBe('kept');
    expect(called).toBe(false);
  });

  it('rethrows fn’s own error unchanged', async () => {
    const service = createScopeService();
    const { withScope } = createScopeContext(service);
    const error = new Error('mine');
    await expect(
      withScope(async () => {
        await service.close();
        throw error;
      }),
    ).rejects.toBe(error);
  });
});
