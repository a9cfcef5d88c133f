import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScopeService, ScopeError, type ScopeEvent, type ScopeHandle, type ScopeService, type ScopeSnapshot } from '../../src/index.js';

/** How one kind of handle is made and made to settle, so one suite can test them all. */
export interface HandleKind {
  /** A handle on `scope` (an in-thread ScopeRef) of the kind under test. */
  wrap(service: ScopeService, scope: ReturnType<ScopeService['fork']>): ScopeHandle | Promise<ScopeHandle>;
  /** Resolves once everything `handle` sent has been applied by the owner. */
  settle(handle: ScopeHandle): Promise<void>;
  release?(): Promise<void>;
}

export const MAX_CRUMBS = 5;

export function expectCode(fn: () => unknown, code: ScopeError['code']): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(ScopeError);
  expect((thrown as ScopeError).code).toBe(code);
}

function deepFrozen(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || value instanceof Uint8Array) return true;
  return Object.isFrozen(value) && Object.values(value).every(deepFrozen);
}

/** The scope behaviour every handle must show, run against ScopeRef and ScopeClient alike. */
export function describeScopeBehaviour(name: string, kind: HandleKind): void {
  describe(`scope behaviour: ${name}`, () => {
    let service: ScopeService;
    let events: ScopeEvent[];
    let scope: ScopeHandle;
    const owner = async (handle: ScopeHandle): Promise<ScopeSnapshot> => {
      await kind.settle(handle);
      return service.send({ v: 1, type: 'snapshot', scope: handle.id }) as ScopeSnapshot;
    };

    beforeEach(async () => {
      events = [];
      service = createScopeService({ maxBreadcrumbs: MAX_CRUMBS, onEvent: (event) => void events.push(event) });
      scope = await kind.wrap(service, service.fork({ isolation: true }));
    });
    afterEach(async () => {
      await kind.release?.();
      await service.close();
    });

    it('shows its own writes at once and the owner agrees after settling', async () => {
      scope
        .setTag('a', 1)
        .setTags({ b: 'two', c: true })
        .setExtra('e', { deep: [1, 2] })
        .setExtras({ f: null })
        .setContext('os', { name: 'linux' })
        .setUser({ id: 7, email: 'u@example.test' })
        .setLevel('warning')
        .setFingerprint(['{{ default }}', 'x'])
        .setTransactionName('GET /x')
        .addBreadcrumb({ message: 'hi', category: 'test', data: { n: 1 } })
        .addAttachment({ filename: 'a.txt', data: 'hello' })
        .setPropagationContext({ traceId: 'a'.repeat(32), parentSpanId: 'b'.repeat(16), sampled: true });
      const local = scope.snapshot();
      expect(local.tags).toEqual({ a: 1, b: 'two', c: true });
      expect(local.extra).toEqual({ e: { deep: [1, 2] }, f: null });
      expect(local.contexts).toEqual({ os: { name: 'linux' } });
      expect(local.user).toEqual({ id: 7, email: 'u@example.test' });
      expect(local.level).toBe('warning');
      expect(local.fingerprint).toEqual(['{{ default }}', 'x']);
      expect(local.transactionName).toBe('GET /x');
      expect(local.breadcrumbs).toMatchObject([{ message: 'hi', category: 'test', data: { n: 1 } }]);
      expect(typeof local.breadcrumbs[0]!.timestamp).toBe('number');
      expect(local.attachments).toEqual([{ filename: 'a.txt', data: 'hello' }]);
      expect(local.propagationContext).toMatchObject({ traceId: 'a'.repeat(32), parentSpanId: 'b'.repeat(16), sampled: true });
      const authoritative = await owner(scope);
      const { version: _a, ...ownerData } = authoritative;
      const { version: _b, ...localData } = scope.snapshot();
      expect(ownerData).toEqual(localData);
    });

    it('hands out deep-frozen snapshots, the same object while nothing changes', async () => {
      scope.setExtra('nested', { list: [{ x: 1 }] });
      // More crumbs than the bound, on this side and (through a port, for a remote) on the owner's.
      for (let i = 0; i < 40; i++) scope.addBreadcrumb({ message: `m${i}`, data: { y: [i] } });
      const first = scope.snapshot();
      expect(deepFrozen(first)).toBe(true);
      expect(deepFrozen(await owner(scope))).toBe(true);
      expect(scope.snapshot()).toBe(first);
      scope.setTag('t', 'v');
      const second = scope.snapshot();
      expect(second).not.toBe(first);
      expect(second.version).toBe(first.version + 1);
      expect(second.breadcrumbs).toBe(first.breadcrumbs);
    });

    it('keeps no symbol-keyed property of a breadcrumb, and no reference to what the caller holds', async () => {
      const hidden = Symbol('hidden');
      const mutable = { n: 1 };
      scope.addBreadcrumb({ message: 'with symbol', data: { mutable }, [hidden]: mutable } as never);
      mutable.n = 2;
      for (const snap of [scope.snapshot(), await owner(scope)]) {
        const [crumb] = snap.breadcrumbs.slice(-1);
        expect(Object.getOwnPropertySymbols(crumb)).toEqual([]);
        expect(crumb!.data).toEqual({ mutable: { n: 1 } });
        expect(deepFrozen(crumb)).toBe(true);
      }
    });

    it('keeps the snapshot when a write changes nothing', () => {
      scope.setTag('t', 'v').setLevel('info');
      const before = scope.snapshot();
      scope.setTag('t', 'v').setLevel('info').setContext('absent', null).clearBreadcrumbs().clearAttachments();
      expect(scope.snapshot()).toBe(before);
    });

    it('copies caller data on the way in', () => {
      const extra = { list: [1] };
      scope.setExtra('e', extra);
      extra.list.push(2);
      expect(scope.snapshot().extra).toEqual({ e: { list: [1] } });
    });

    it('forks a point-in-time copy; later writes stay on their side', async () => {
      scope.setTag('parent', 'before').addBreadcrumb({ message: 'p1' });
      const child = scope.fork();
      scope.setTag('parent', 'after').addBreadcrumb({ message: 'p2' });
      child.setTag('child', 'only').addBreadcrumb({ message: 'c1' });
      expect(child.snapshot().tags).toEqual({ parent: 'before', child: 'only' });
      expect(child.snapshot().breadcrumbs.map((c) => c.message)).toEqual(['p1', 'c1']);
      expect(scope.snapshot().tags).toEqual({ parent: 'after' });
      expect(scope.snapshot().breadcrumbs.map((c) => c.message)).toEqual(['p1', 'p2']);
      expect(child.snapshot().isolationId).toBe(scope.snapshot().isolationId);
      expect(child.snapshot().propagationContext).toEqual(scope.snapshot().propagationContext);
      expect((await owner(child)).tags).toEqual({ parent: 'before', child: 'only' });
      child.close();
    });

    it('starts a new isolation scope with a copy of the data and a fresh trace', () => {
      scope.setTag('carried', 'yes');
      const iso = scope.fork({ isolation: true });
      const snap = iso.snapshot();
      expect(snap.isolationId).toBe(iso.id);
      expect(snap.tags).toEqual({ carried: 'yes' });
      expect(snap.propagationContext.traceId).toMatch(/^[0-9a-f]{32}$/);
      expect(snap.propagationContext.traceId).not.toBe(scope.snapshot().propagationContext.traceId);
      iso.close();
    });

    it('keeps only the newest maxBreadcrumbs and cuts long messages', () => {
      for (let i = 0; i < MAX_CRUMBS + 3; i++) scope.addBreadcrumb({ message: `m${i}` });
      scope.addBreadcrumb({ message: 'x'.repeat(3000) });
      const crumbs = scope.snapshot().breadcrumbs;
      expect(crumbs).toHaveLength(MAX_CRUMBS);
      expect(crumbs.slice(0, -1).map((c) => c.message)).toEqual(['m4', 'm5', 'm6', 'm7']);
      expect(crumbs.at(-1)!.message).toBe(`${'x'.repeat(2048)}...`);
    });

    it('removes the user and contexts with null, and clear() empties everything', () => {
      scope.setUser({ id: 1 }).setContext('c', { a: 1 }).setTag('t', 1).addBreadcrumb({ message: 'm' });
      scope.setUser(null).setContext('c', null);
      expect(scope.snapshot().user).toBeNull();
      expect(scope.snapshot().contexts).toEqual({});
      const trace = scope.snapshot().propagationContext.traceId;
      scope.clear();
      const cleared = scope.snapshot();
      expect(cleared.tags).toEqual({});
      expect(cleared.breadcrumbs).toEqual([]);
      expect(cleared.propagationContext.traceId).not.toBe(trace);
    });

    it('rejects bad input with INVALID_MESSAGE and changes nothing', async () => {
      scope.setTag('keep', 'me');
      const before = scope.snapshot();
      const bad: Array<() => unknown> = [
        () => scope.setTag('k', { not: 'primitive' } as never),
        () => scope.setTag('', 'empty key'),
        () => scope.setExtra('f', (() => 1) as never),
        () => scope.setExtra('d', new Date() as never),
        () => scope.setLevel('loud' as never),
        () => scope.setFingerprint([1] as never),
        () => scope.setUser('alice' as never),
        () => scope.addBreadcrumb({ message: 5 } as never),
        () => scope.addBreadcrumb({ mesage: 'typo' } as never),
        () => scope.addAttachment({ filename: 'x' } as never),
        () => scope.setPropagationContext({ traceId: 'nothex' }),
      ];
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      bad.push(() => scope.setExtras(cyclic as never));
      for (const call of bad) expectCode(call, 'INVALID_MESSAGE');
      expect(scope.snapshot()).toBe(before);
      expect((await owner(scope)).tags).toEqual({ keep: 'me' });
    });

    it('captures events that carry global, scope and event data', async () => {
      service.global.setTag('global', 'g').setTag('shared', 'from-global');
      scope.setTag('shared', 'from-scope').addBreadcrumb({ message: 'before capture' });
      const id = await scope.captureException(new TypeError('boom'));
      expect(id).toMatch(/^[0-9a-f]{32}$/);
      await kind.settle(scope);
      const event = events.find((e) => e.event_id === id)!;
      expect(event.tags).toEqual({ global: 'g', shared: 'from-scope' });
      expect(event.exception?.values[0]).toMatchObject({ type: 'TypeError', value: 'boom' });
      expect(event.breadcrumbs?.map((c) => c.message)).toEqual(['before capture']);
      expect(event.contexts?.trace?.trace_id).toBe(scope.snapshot().propagationContext.traceId);
      const messageId = await scope.captureMessage('hello', 'warning');
      expect(events.find((e) => e.event_id === messageId)).toMatchObject({ message: 'hello', level: 'warning' });
    });

    it('refuses every call after close() with SCOPE_CLOSED', async () => {
      const child = scope.fork();
      child.close();
      expect(child.closed).toBe(true);
      expectCode(() => child.setTag('a', 'b'), 'SCOPE_CLOSED');
      expectCode(() => child.snapshot(), 'SCOPE_CLOSED');
      expectCode(() => child.fork(), 'SCOPE_CLOSED');
      await expect(child.captureMessage('late')).rejects.toMatchObject({ code: 'SCOPE_CLOSED' });
      expect(() => child.close()).not.toThrow();
    });
  });
}
