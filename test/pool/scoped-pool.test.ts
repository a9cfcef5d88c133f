import { MessageChannel } from 'node:worker_threads';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createScopeService, ScopeError, ScopeRef, type ScopeEvent, type ScopeService, type ScopeSnapshot } from '../../src/index.js';
import { createScopeContext } from '../../src/context/index.js';
import { isStartRequest, type ScopedPool } from '../../src/pool/index.js';
import { testPool } from '../shared/pool.js';
import { CRASH_CRUMBS } from '../fixtures/tasks.js';
import { SHARED_FROM } from '../../src/protocol/index.js';

let service: ScopeService;
let events: ScopeEvent[];
let pool: ScopedPool<unknown, unknown>;
let baseline: number;

beforeEach(() => {
  events = [];
  service = createScopeService({ onEvent: (event) => void events.push(event), maxBreadcrumbs: 1000 });
  pool = testPool({ service });
  baseline = service.stats().scopes;
});
afterEach(async () => {
  await pool.destroy();
  await service.close();
});

describe('ScopedPool.run', () => {
  it.each([
    ['bytes', 0],
    ['shared memory', SHARED_FROM],
  ])('sends a start’s %s with the first task forked from it and its number alone after; a thread without it asks once', async (_, blob) => {
    const starts = testPool({ service, minThreads: 2, maxThreads: 2, idleTimeout: 60_000 });
    const iso = service.fork({ isolation: true }).setTag('request', 'r7').setExtra('blob', 'x'.repeat(blob));
    const sent: unknown[][] = [];
    const run = starts.piscina.run.bind(starts.piscina);
    starts.piscina.run = (message, options) => (sent.push(message as unknown as unknown[]), run(message, options));
    let asked = 0;
    starts.piscina.on('message', (message: unknown) => void (isStartRequest(message) && (asked += 1)));
    type Read = { thread: number; request: string };
    // The first task keeps its thread busy, so the next run on the other thread, which was never sent the bytes.
    const first = starts.run({ ms: 1_000 }, { scope: iso, name: 'busyRead' }) as Promise<Read>;
    const rest = Array.from({ length: 20 }, () => starts.run({ ms: 0 }, { scope: iso, name: 'busyRead' }) as Promise<Read>);
    const reads = await Promise.all([first, ...rest]);
    expect(reads.map((read) => read.request)).toEqual(Array(21).fill('r7'));
    const [withData, ...byNumber] = sent;
    const start = withData!.at(-1);
    expect(start).toEqual(expect.any(Number));
    for (const message of byNumber) {
      expect(message).toHaveLength(6);
      expect(message[5]).toBe(start);
      expect(JSON.stringify(message).length).toBeLessThan(JSON.stringify(withData).length);
    }
    // Every thread but the first task's asked once, and only once.
    const threads = new Set(reads.map((read) => read.thread));
    expect(threads.size).toBe(2);
    expect(asked).toBe(threads.size - 1);
    await starts.destroy();
  });

  it('answers a thread asking for a start no task in flight carries with nothing', async () => {
    expect(await pool.run(null, { scope: service.fork(), name: 'fetchUnknownStart' })).toBe('none');
  });

  it('gives the task a fresh fork with the scope data, closed after; the parent sees nothing', async () => {
    const iso = service.fork({ isolation: true }).setTag('request', 'r1');
    const view = (await pool.run({ tag: 't1', crumbs: 3 }, { scope: iso, name: 'write' })) as ScopeSnapshot;
    expect(view.tags).toEqual({ request: 'r1', job: 't1' });
    expect(view.breadcrumbs.map((c) => c.message)).toEqual(['t1-0', 't1-1', 't1-2']);
    expect(view.isolationId).toBe(iso.id);
    expect(iso.snapshot().tags).toEqual({ request: 'r1' });
    expect(service.stats().scopes).toBe(baseline + 1);
  });

  it('with fork: false resolves only after every message was applied to the scope itself', async () => {
    const iso = service.fork({ isolation: true });
    await pool.run({ tag: 'shared', crumbs: 500 }, { scope: iso, fork: false, name: 'write' });
    const snap = iso.snapshot();
    expect(snap.tags).toEqual({ job: 'shared' });
    expect(snap.breadcrumbs).toHaveLength(500);
    expect(snap.breadcrumbs.at(-1)!.message).toBe('shared-499');
  });

  it('captures from the worker with the scope data, and returns the event id', async () => {
    const iso = service.fork({ isolation: true }).setUser({ id: 'u1' });
    const eventId = await pool.run({ message: 'worker boom' }, { scope: iso, name: 'capture' });
    const event = events.find((e) => e.event_id === eventId)!;
    expect(event.user).toEqual({ id: 'u1' });
    expect(event.exception?.values[0]?.value).toBe('worker boom');
    expect(event.breadcrumbs?.map((c) => c.message)).toEqual(['in worker']);
  });

  it('refresh() returns the owner snapshot and keeps the writes made meanwhile in the local view', async () => {
    const iso = service.fork({ isolation: true }).setTag('owner', 'set');
    const { owner, local } = (await pool.run(null, { scope: iso, fork: false, name: 'refresh' })) as { owner: ScopeSnapshot; local: ScopeSnapshot };
    expect(owner.tags).toEqual({ owner: 'set' });
    expect(local.tags).toEqual({ owner: 'set', 'after-refresh': true });
    expect(iso.snapshot().tags).toEqual({ owner: 'set', 'after-refresh': true });
  });

  it('without a scope forks the context current scope, and refuses to guess without a context', async () => {
    const context = createScopeContext(service);
    const withContext = testPool({ service, context });
    try {
      const view = await context.withIsolationScope(async (scope) => {
        scope.setTag('from', 'context');
        return (await withContext.run({ tag: 'ctx', crumbs: 0 }, { name: 'write' })) as ScopeSnapshot;
      });
      expect(view.tags).toEqual({ from: 'context', job: 'ctx' });
    } finally {
      await withContext.destroy();
    }
    await expect(pool.run({ tag: 'x', crumbs: 0 }, { name: 'write' })).rejects.toMatchObject({ code: 'INVALID_MESSAGE' });
  });

  it('refuses a closed scope', async () => {
    const iso = service.fork({ isolation: true });
    iso.close();
    await expect(pool.run({ tag: 'x', crumbs: 0 }, { scope: iso, name: 'write' })).rejects.toBeInstanceOf(ScopeError);
  });

  it('settles after every message was applied, run after run, though tasks do not wait for their last acks', async () => {
    const iso = service.fork({ isolation: true });
    let expected = 0;
    for (let n = 0; n < 40; n++) {
      const crumbs = (n * 97) % 700;
      await pool.run({ tag: `r${n}`, crumbs }, { scope: iso, fork: false, name: 'write' });
      expected = Math.min(1000, expected + crumbs);
      const snap = iso.snapshot();
      expect(snap.tags).toEqual({ job: `r${n}` });
      expect(snap.breadcrumbs).toHaveLength(expected);
      if (crumbs) expect(snap.breadcrumbs.at(-1)!.message).toBe(`r${n}-${crumbs - 1}`);
    }
  });

  it('rejects with a refusal the task never saw: a write to its lent scope after the owner closed it', async () => {
    const iso = service.fork({ isolation: true });
    const { port1, port2 } = new MessageChannel();
    // One thread, warmed up, so the task's link is known to the pool (the quick return path).
    const single = testPool({ service, maxThreads: 1, minThreads: 1 });
    try {
      await single.run({ tag: 'warm', crumbs: 1 }, { scope: iso, name: 'write' });
      const flushed = new Promise((resolve) => port1.once('message', resolve));
      const run = single.run({ port: port2 }, { scope: iso, fork: false, name: 'writeAcrossClose', transferList: [port2] });
      expect(await flushed).toBe('flushed');
      expect(iso.snapshot().tags).toEqual({ before: 'close' });
      iso.close();
      port1.postMessage('go');
      const refused = await run.catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ScopeError);
      expect(refused).toMatchObject({ code: 'UNKNOWN_SCOPE' });
      expect(service.stats().scopes).toBe(baseline);
    } finally {
      port1.close();
      await single.destroy();
    }
  });

  it("takes the task's fork from the scope as run() is called; the owner holds it only from the task's first message", async () => {
    const iso = service.fork({ isolation: true }).setTag('before', 'run');
    const { port1, port2 } = new MessageChannel();
    try {
      const seen = new Promise<{ id: string; tags: object }>((resolve) => port1.once('message', resolve));
      const run = pool.run({ port: port2 }, { scope: iso, name: 'readThenWrite', transferList: [port2] });
      iso.setTag('after', 'run'); // queued after run() took the fork's data
      const { id, tags } = await seen;
      expect(tags).toEqual({ before: 'run' });
      expect(service.stats().scopes).toBe(baseline + 1); // iso alone: the task has sent nothing
      iso.close(); // the fork outlives its parent, as any fork does
      port1.postMessage('go');
      const owner = (await run) as ScopeSnapshot;
      expect(owner).toMatchObject({ id, isolationId: iso.id, tags: { before: 'run', task: 'wrote' } });
      expect(service.stats().scopes).toBe(baseline); // and it was closed when run() settled
    } finally {
      port1.close();
    }
  });

  it("refuses the task its fork's id when a sender took it before the task's first message, and leaves that scope alone", async () => {
    const iso = service.fork({ isolation: true }).setTag('from', 'iso');
    const { port1, port2 } = new MessageChannel();
    try {
      const seen = new Promise<{ id: string }>((resolve) => port1.once('message', resolve));
      const run = pool.run({ port: port2 }, { scope: iso, name: 'readThenWrite', transferList: [port2] });
      const { id } = await seen;
      service.send({ v: 1, type: 'fork', scope: service.global.id, id }); // squats the id the task was given
      port1.postMessage('go');
      await expect(run).rejects.toMatchObject({ code: 'UNKNOWN_SCOPE' });
      const squatted = service.send({ v: 1, type: 'snapshot', scope: id }) as ScopeSnapshot;
      expect(squatted.tags).toEqual({}); // the task's write did not reach it, and it is still open
      expect(service.stats().scopes).toBe(baseline + 2);
    } finally {
      port1.close();
    }
  });

  it('runs tasks side by side on one thread with concurrentTasksPerWorker (no abort signal unless the caller gives one)', async () => {
    const shared = testPool({ service, maxThreads: 1, minThreads: 1, concurrentTasksPerWorker: 2 });
    try {
      const iso = service.fork({ isolation: true });
      const met = await Promise.all([
        shared.run({ others: 1, tag: 'a' }, { scope: iso, name: 'meet' }),
        shared.run({ others: 1, tag: 'b' }, { scope: iso, name: 'meet' }),
      ]);
      expect(met).toEqual([true, true]);
      expect(service.stats().scopes).toBe(baseline + 1);
    } finally {
      await shared.destroy();
    }
  });
});

describe('any scope', () => {
  it('runs on the global scope (lent, or forked), and on a scope whose id holds the wire separator', async () => {
    await pool.run({ tag: 'g', crumbs: 0 }, { scope: service.global, fork: false, name: 'write' });
    expect(service.global.snapshot().tags).toEqual({ job: 'g' });
    const fromGlobal = (await pool.run({ tag: 'f', crumbs: 1 }, { scope: service.global, name: 'write' })) as ScopeSnapshot;
    expect(fromGlobal.tags).toEqual({ job: 'f' }); // a fork of the global scope starts empty
    const odd = 'odd\u001fid';
    service.send({ v: 1, type: 'fork', scope: service.global.id, id: odd, isolation: true });
    const scope = new ScopeRef(service, odd); // a handle on a scope made by a message, not by fork()
    const view = (await pool.run({ tag: 'odd', crumbs: 1 }, { scope, name: 'write' })) as ScopeSnapshot;
    expect(view.isolationId).toBe(odd);
    await pool.run({ tag: 'lent', crumbs: 0 }, { scope, fork: false, name: 'write' });
    expect(scope.snapshot().tags).toEqual({ job: 'lent' });
  });
});

describe('synchronous tasks', () => {
  it('a task that returns at once still has its writes applied, and its forks closed, before run() settles', async () => {
    const iso = service.fork({ isolation: true });
    expect(await pool.run({ tag: 'sync' }, { scope: iso, fork: false, name: 'writeAtOnce' })).toBe('sync');
    expect(iso.snapshot().tags).toEqual({ job: 'sync' });
    expect(service.stats().scopes).toBe(baseline + 1);
  });

  it('a task that only reads its scope returns at once, with what it read', async () => {
    const iso = service.fork({ isolation: true }).setTag('request', 'r7');
    expect(await pool.run(null, { scope: iso, name: 'readAtOnce' })).toBe('r7');
    expect(service.stats().scopes).toBe(baseline + 1);
  });

  it.each([false, true])('a task that throws at once (after a write: %s) rejects with its ScopeError, keeping the write', async (write) => {
    const iso = service.fork({ isolation: true });
    const thrown = await pool.run({ write, code: 'TIMEOUT' }, { scope: iso, fork: false, name: 'throwAtOnce' }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ScopeError);
    expect(thrown).toMatchObject({ code: 'TIMEOUT' });
    expect(iso.snapshot().tags).toEqual(write ? { before: 'throw' } : {});
  });
});

describe('faults', () => {
  it('a task that throws keeps what it sent and its forks are closed', async () => {
    const iso = service.fork({ isolation: true });
    await expect(pool.run(null, { scope: iso, fork: false, name: 'failAfterWriting' })).rejects.toThrow('task failed on purpose');
    expect(iso.snapshot().tags).toEqual({ before: 'throw' });
    expect(service.stats().scopes).toBe(baseline + 1);
  });

  it.each(['exit', 'uncaught'] as const)('a worker that dies (%s) leaves the owner running, keeps what was sent, closes its scopes', async (how) => {
    const iso = service.fork({ isolation: true });
    await expect(pool.run({ how }, { scope: iso, fork: false, name: 'crash' })).rejects.toBeDefined();
    // No waiting: run() settles only after the batches the worker posted before dying were applied.
    const kept = iso.snapshot();
    expect(kept.tags).toEqual({ before: 'crash' });
    expect(kept.breadcrumbs).toHaveLength(Math.min(CRASH_CRUMBS, 1000));
    expect(kept.breadcrumbs.at(-1)!.message).toBe(String(CRASH_CRUMBS - 1));
    expect(service.stats().scopes).toBe(baseline + 1);
    const view = (await pool.run({ tag: 'after', crumbs: 1 }, { scope: iso, name: 'write' })) as ScopeSnapshot;
    expect(view.tags).toMatchObject({ job: 'after' });
  });

  it('a ScopeError the task throws reaches run() as a ScopeError, with its code', async () => {
    const iso = service.fork({ isolation: true });
    const thrown = await pool.run(null, { scope: iso, fork: false, name: 'badWrite' }).catch((error: unknown) => error);
    expect(thrown).toBeInstanceOf(ScopeError);
    expect(thrown).toMatchObject({ code: 'INVALID_MESSAGE' });
    expect(iso.snapshot().tags).toEqual({ ok: true });
  });

  it('a run piscina refuses before dispatch (bad options) rejects with its error; the pool runs on', async () => {
    const iso = service.fork({ isolation: true });
    const bad = { scope: iso, name: 'write', transferList: 'not an array' } as unknown as Parameters<typeof pool.run>[1];
    await expect(pool.run({ tag: 'x', crumbs: 0 }, bad)).rejects.toBeInstanceOf(TypeError);
    expect(iso.snapshot().tags).toEqual({});
    const view = (await pool.run({ tag: 'after', crumbs: 0 }, { scope: iso, name: 'write' })) as ScopeSnapshot;
    expect(view.tags).toEqual({ job: 'after' });
    expect(service.stats().scopes).toBe(baseline + 1);
  });

  it('an aborted task closes its scopes and keeps what it sent', async () => {
    const iso = service.fork({ isolation: true });
    const controller = new AbortController();
    // The pool's message event also carries each thread's link offer: wait for the task's own word.
    const hanging = new Promise((resolve) => pool.piscina.on('message', (message) => message === 'hanging' && resolve(message)));
    const run = pool.run(null, { scope: iso, fork: false, name: 'hang', signal: controller.signal });
    expect(await hanging).toBe('hanging');
    expect(iso.snapshot().tags).toEqual({ before: 'abort' });
    expect(service.stats().scopes).toBe(baseline + 2);
    controller.abort();
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(service.stats().scopes).toBe(baseline + 1);
  });
});
