import { describe, expect, it } from 'vitest';
import { createScopeService, ScopeError, type Breadcrumb, type ScopeEvent, type ScopeSnapshot } from '../../src/index.js';
import { expectCode } from '../shared/scope-behaviour.js';

const reported = () => {
  const errors: Array<{ error: unknown; origin: string }> = [];
  return { errors, onError: (error: unknown, origin: string) => void errors.push({ error, origin }) };
};

describe('createScopeService', () => {
  it('refuses nonsense options at once', () => {
    expect(() => createScopeService({ maxBreadcrumbs: -1 })).toThrow(RangeError);
    expect(() => createScopeService({ mailboxLimit: 1.5 })).toThrow(TypeError);
    expect(() => createScopeService({ onEvent: 'sink' as never })).toThrow(TypeError);
    expect(() => createScopeService({ eventProcessors: [null as never] })).toThrow(TypeError);
  });

  it('starts with the global scope only, which forks empty', () => {
    const service = createScopeService();
    service.global.setTag('g', 1);
    expect(service.stats().scopes).toBe(1);
    const child = service.global.fork();
    expect(child.snapshot().tags).toEqual({});
    expect(child.snapshot().isolationId).toBe('global');
    expect(service.global.snapshot().tags).toEqual({ g: 1 });
  });
});

describe('the global scope', () => {
  it('cannot be closed through its handle; it lives as long as the service', () => {
    const service = createScopeService();
    expectCode(() => service.global.close(), 'INVALID_MESSAGE');
    expect(service.global.closed).toBe(false);
    expect(service.global.setTag('still', 'open').snapshot().tags).toEqual({ still: 'open' });
  });

  it('counts its data once when an event is captured on it directly', async () => {
    const events: ScopeEvent[] = [];
    const service = createScopeService({ onEvent: (event) => void events.push(event) });
    service.global.setFingerprint(['g']).addBreadcrumb({ message: 'once' }).addAttachment({ filename: 'a', data: 'x' });
    await service.global.captureMessage('on global');
    expect(events[0]!.breadcrumbs!.map((c) => c.message)).toEqual(['once']);
    expect(events[0]!.fingerprint).toEqual(['g']);
  });
});

describe('service.send (the raw protocol)', () => {
  it('applies messages in order after queued writes and returns snapshots', () => {
    const service = createScopeService();
    const scope = service.fork();
    scope.setTag('queued', 1);
    service.send({ v: 1, type: 'setTag', scope: scope.id, key: 'raw', value: 2 });
    const snap = service.send({ v: 1, type: 'snapshot', scope: scope.id }) as ScopeSnapshot;
    expect(snap.tags).toEqual({ queued: 1, raw: 2 });
    expect(snap).toBe(scope.snapshot());
  });

  it('names unknown scopes, taken ids and the global scope in typed errors, changing nothing', () => {
    const service = createScopeService();
    const scope = service.fork();
    const before = scope.snapshot();
    expectCode(() => service.send({ v: 1, type: 'setTag', scope: 'nope', key: 'a', value: 1 }), 'UNKNOWN_SCOPE');
    expectCode(() => service.send({ v: 1, type: 'fork', scope: scope.id, id: scope.id }), 'INVALID_MESSAGE');
    expectCode(() => service.send({ v: 1, type: 'close', scope: 'global' }), 'INVALID_MESSAGE');
    expectCode(() => service.send({ v: 1, type: 'setTag', scope: scope.id, key: 'a', value: () => 1 }), 'INVALID_MESSAGE');
    expect(scope.snapshot()).toBe(before);
    expect(service.stats()).toMatchObject({ rejected: 4, scopes: 2 });
  });

  it('counts every message: received = applied + rejected + mailboxDepth', () => {
    const service = createScopeService();
    const scope = service.fork();
    scope.setTag('a', 1).setTag('b', 2);
    expect(() => scope.setTag('c', {} as never)).toThrow(ScopeError);
    const pending = service.stats();
    expect(pending.mailboxDepth).toBe(3); // the fork is queued too
    expect(pending.received).toBe(pending.applied + pending.rejected + pending.mailboxDepth);
    scope.snapshot();
    expect(service.stats()).toMatchObject({ received: 4, applied: 3, rejected: 1, mailboxDepth: 0 });
  });

  it('answers each read in a delivery after the writes before it and before those after it, and counts it', () => {
    const service = createScopeService();
    const scope = service.fork();
    scope.setTag('queued', 0);
    const read = { v: 1, type: 'snapshot', scope: scope.id };
    const [, first, , second, unknown] = service.deliver([
      { v: 1, type: 'setTag', scope: scope.id, key: 'a', value: 1 },
      read,
      { v: 1, type: 'setTag', scope: scope.id, key: 'a', value: 2 },
      read,
      { v: 1, type: 'snapshot', scope: 'nope' },
    ]);
    expect((first as ScopeSnapshot).tags).toEqual({ queued: 0, a: 1 });
    expect((second as ScopeSnapshot).tags).toEqual({ queued: 0, a: 2 });
    expect(second).toBe(scope.snapshot());
    expect(unknown).toMatchObject({ code: 'UNKNOWN_SCOPE' });
    expect(service.stats()).toMatchObject({ received: 7, applied: 6, rejected: 1, mailboxDepth: 0 });
  });
});

describe('mailbox', () => {
  it('fails with MAILBOX_FULL past mailboxLimit within one turn, and accepts again once drained', async () => {
    const service = createScopeService({ mailboxLimit: 3 });
    const scope = service.fork();
    scope.setTag('a', 1).setTag('b', 2);
    expectCode(() => scope.setTag('c', 3), 'MAILBOX_FULL');
    await Promise.resolve();
    scope.setTag('d', 4);
    expect(scope.snapshot().tags).toEqual({ a: 1, b: 2, d: 4 });
  });

  it('drains at the end of the turn without any read', async () => {
    const service = createScopeService();
    const scope = service.fork();
    scope.setTag('a', 1);
    expect(service.stats().mailboxDepth).toBe(2);
    await Promise.resolve();
    expect(service.stats().mailboxDepth).toBe(0);
  });
});

describe('hooks', () => {
  it('beforeBreadcrumb can change or drop a crumb; a throwing one is reported and the crumb kept', () => {
    const { errors, onError } = reported();
    const service = createScopeService({
      onError,
      beforeBreadcrumb: (crumb) => {
        if (crumb.message === 'drop') return null;
        if (crumb.message === 'throw') throw new Error('hook failed');
        if (crumb.message === 'bad') return { ...crumb, data: { fn: () => 1 } } as never;
        return { ...crumb, category: 'hooked' };
      },
    });
    const scope = service.fork();
    for (const message of ['keep', 'drop', 'throw', 'bad']) scope.addBreadcrumb({ message });
    expect(scope.snapshot().breadcrumbs.map((c) => [c.message, c.category])).toEqual([
      ['keep', 'hooked'],
      ['throw', undefined],
      ['bad', undefined],
    ]);
    expect(errors.map((e) => e.origin)).toEqual(['beforeBreadcrumb', 'beforeBreadcrumb']);
    expect(service.stats().hookErrors).toBe(2);
  });

  it('beforeBreadcrumb is shown a frozen crumb (plain data only), and a crumb it returns is stored as a copy', () => {
    const shown: Breadcrumb[] = [];
    const kept = { timestamp: 1, message: 'mine', data: { n: 1 } };
    const service = createScopeService({ beforeBreadcrumb: (crumb) => (shown.push(crumb), crumb.message === 'swap' ? kept : crumb) });
    const scope = service.fork().addBreadcrumb({ message: 'same', [Symbol('hidden')]: 1 } as never).addBreadcrumb({ message: 'swap' });
    const [same, swapped] = scope.snapshot().breadcrumbs;
    expect(shown.every((crumb) => Object.isFrozen(crumb) && Object.getOwnPropertySymbols(crumb).length === 0)).toBe(true);
    expect(same).toBe(shown[0]);
    expect(swapped).toEqual(kept);
    expect(swapped).not.toBe(kept);
    kept.data.n = 2;
    expect(scope.snapshot().breadcrumbs[1]!.data).toEqual({ n: 1 });
  });

  it('runs event processors in order; null drops, throwing ones are skipped and reported', async () => {
    const { errors, onError } = reported();
    const events: ScopeEvent[] = [];
    const service = createScopeService({
      onError,
      onEvent: (event) => void events.push(event),
      eventProcessors: [
        (event) => (event.message === 'drop' ? null : event),
        () => {
          throw new Error('processor failed');
        },
        async (event) => ({ ...event, tags: { ...event.tags, processed: true } }),
      ],
    });
    const scope = service.fork();
    await scope.captureMessage('drop');
    const id = await scope.captureMessage('keep');
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event_id: id, message: 'keep', tags: { processed: true } });
    // Only 'keep' reached the throwing processor: 'drop' was dropped before it.
    expect(errors.filter((e) => e.origin === 'eventProcessor')).toHaveLength(1);
  });

  it('skips and reports an event processor that returns something other than an event or null', async () => {
    const { errors, onError } = reported();
    const events: ScopeEvent[] = [];
    const service = createScopeService({ onError, onEvent: (event) => void events.push(event), eventProcessors: [() => 5 as never, () => 'x' as never] });
    await service.fork().captureMessage('still sent');
    expect(events.map((e) => e.message)).toEqual(['still sent']);
    expect(errors.map((e) => [e.origin, (e.error as ScopeError).code])).toEqual([
      ['eventProcessor', 'INVALID_MESSAGE'],
      ['eventProcessor', 'INVALID_MESSAGE'],
    ]);
  });

  it('reports an onEvent that throws or never settles (TIMEOUT) and keeps running', async () => {
    const { errors, onError } = reported();
    let calls = 0;
    const service = createScopeService({
      onError,
      hookTimeoutMs: 20,
      onEvent: () => {
        calls += 1;
        if (calls === 1) throw new Error('sink down');
        if (calls === 2) return new Promise<void>(() => {});
      },
    });
    const scope = service.fork();
    await expect(scope.captureMessage('one')).resolves.toMatch(/^[0-9a-f]{32}$/);
    await expect(scope.captureMessage('two')).resolves.toMatch(/^[0-9a-f]{32}$/);
    await scope.captureMessage('three');
    expect(calls).toBe(3);
    expect(errors.map((e) => (e.error as ScopeError).code)).toEqual([undefined, 'TIMEOUT']);
    expect(service.stats()).toMatchObject({ hookErrors: 2, captures: 3, capturesPending: 0 });
  });
});

describe('close', () => {
  it('applies queued writes, waits for running captures, then refuses everything with SERVICE_CLOSED', async () => {
    let release!: () => void;
    const delivered: string[] = [];
    const service = createScopeService({
      onEvent: (event) => new Promise<void>((resolve) => (release = () => (delivered.push(event.message!), resolve()))),
    });
    const scope = service.fork();
    scope.setTag('late', 'write');
    const capture = scope.captureMessage('in flight');
    const closing = service.close();
    expect(service.stats().applied).toBeGreaterThanOrEqual(3);
    await Promise.resolve();
    release();
    await closing;
    await capture;
    expect(delivered).toEqual(['in flight']);
    expect(service.stats().scopes).toBe(0);
    expect(scope.closed).toBe(true);
    expectCode(() => scope.setTag('a', 1), 'SERVICE_CLOSED');
    expectCode(() => service.fork(), 'SERVICE_CLOSED');
    expectCode(() => service.send({ v: 1, type: 'snapshot', scope: 'global' }), 'SERVICE_CLOSED');
    await expect(scope.captureMessage('x')).rejects.toMatchObject({ code: 'SERVICE_CLOSED' });
    expect(service.close()).toBe(closing);
  });
});
