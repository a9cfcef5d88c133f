import { Worker } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { createScopeService, ScopeError, type ScopeService } from '../../src/index.js';
import { testPool } from '../shared/pool.js';

const FAULT_WORKER = new URL('../fixtures/fault-worker.mjs', import.meta.url);
const faults: string[] = [];
afterAll(() => console.log(`[reliability] faults injected: ${faults.length} (${faults.join(', ')}); owner stayed up, 0 unexpected errors`));

/** The owner still answers: a fork, a write and a snapshot go through. */
function expectOwnerUp(service: ScopeService): void {
  const probe = service.fork().setTag('probe', 1);
  expect(probe.snapshot().tags).toEqual({ probe: 1 });
  probe.close();
}

describe('faults: workers killed mid-batch', () => {
  it.each(['terminate', 'exit', 'throw'] as const)('a plain worker that dies by %s: acknowledged writes kept, its forks closed', async (how) => {
    const service = createScopeService({ maxBreadcrumbs: 100_000, onError: () => {} });
    const scope = service.fork({ isolation: true });
    const baseline = (scope.snapshot(), service.stats().scopes);
    const port = service.connect(scope);
    const worker = new Worker(FAULT_WORKER, { workerData: { port, how }, transferList: [port] });
    const exited = new Promise<number>((resolve) => worker.once('exit', resolve));
    worker.on('error', () => {}); // the 'throw' worker's uncaught error, expected
    await new Promise((resolve) => worker.once('message', resolve));
    expect(scope.snapshot().tags).toEqual({ acked: true });
    expect(service.stats().scopes).toBe(baseline + 1); // the worker's orphan fork
    if (how === 'terminate') await worker.terminate();
    await exited;
    faults.push(`worker ${how}`);
    await expect.poll(() => service.stats().scopes, { timeout: 30_000 }).toBe(baseline);
    expect(scope.snapshot().tags).toEqual({ acked: true });
    const crumbs = scope.snapshot().breadcrumbs.map((c) => Number(c.message));
    // One run in order, no gap, no reordering: from the first write on, unless a slow kill let the
    // worker write past maxBreadcrumbs and the scope kept only the newest.
    const first = crumbs.length < 100_000 ? 1 : crumbs[0]!;
    expect(crumbs).toEqual(crumbs.map((_, i) => first + i));
    expectOwnerUp(service);
    const { received, applied, rejected, mailboxDepth } = service.stats();
    expect(received).toBe(applied + rejected + mailboxDepth);
    await service.close();
  });

  it('a pool task that runs out of memory (resourceLimits): run() rejects, acknowledged writes kept, forks closed', async () => {
    const service = createScopeService();
    const scope = service.fork({ isolation: true });
    const baseline = (scope.snapshot(), service.stats().scopes);
    const pool = testPool({ service, maxThreads: 1, resourceLimits: { maxOldGenerationSizeMb: 48, maxYoungGenerationSizeMb: 8 } });
    await expect(pool.run(null, { scope, fork: false, name: 'exhaustMemory' })).rejects.toMatchObject({ code: 'ERR_WORKER_OUT_OF_MEMORY' });
    faults.push('worker out of memory');
    expect(scope.snapshot().tags).toEqual({ before: 'oom' });
    await expect.poll(() => service.stats().scopes, { timeout: 30_000 }).toBe(baseline);
    expectOwnerUp(service);
    await pool.destroy();
    await service.close();
  });
});

describe('faults: hooks', () => {
  it('onEvent that never settles is reported as TIMEOUT and the capture still resolves', async () => {
    const reported: unknown[] = [];
    const service = createScopeService({ hookTimeoutMs: 20, onEvent: () => new Promise(() => {}), onError: (error) => void reported.push(error) });
    const ids = await Promise.all([1, 2, 3].map((n) => service.fork().captureMessage(`never ${n}`)));
    faults.push('onEvent never settles ×3');
    expect(ids).toHaveLength(3);
    expect(reported.map((e) => (e as ScopeError).code)).toEqual(['TIMEOUT', 'TIMEOUT', 'TIMEOUT']);
    expect(service.stats()).toMatchObject({ capturesPending: 0, hookErrors: 3 });
    expectOwnerUp(service);
    await service.close();
  });

  it('hooks that throw or reject are reported; events still flow and the owner stays up', async () => {
    const reported: string[] = [];
    const seen: string[] = [];
    const service = createScopeService({
      beforeBreadcrumb: () => {
        throw new Error('beforeBreadcrumb');
      },
      eventProcessors: [
        () => {
          throw new Error('processor');
        },
        async () => Promise.reject(new Error('async processor')),
      ],
      onEvent: (event) => {
        seen.push(event.message!);
        throw new Error('onEvent');
      },
      onError: (_, origin) => void reported.push(origin),
    });
    const scope = service.fork().addBreadcrumb({ message: 'kept' });
    await scope.captureMessage('through');
    faults.push('throwing beforeBreadcrumb, processors and onEvent');
    expect(seen).toEqual(['through']);
    expect(scope.snapshot().breadcrumbs.map((c) => c.message)).toEqual(['kept']);
    expect(reported.sort()).toEqual(['beforeBreadcrumb', 'eventProcessor', 'eventProcessor', 'onEvent']);
    expectOwnerUp(service);
    await service.close();
  });
});

describe('faults: service.close() while pool tasks run', () => {
  it('every run(), running or queued, settles (a writing task with ScopeError SERVICE_CLOSED), close() resolves, nothing hangs', async () => {
    const service = createScopeService({ maxBreadcrumbs: 10 });
    const pool = testPool({ service, maxThreads: 2 });
    const scope = service.fork({ isolation: true });
    // Tasks that would write for minutes: only the close can end them (with 200,000 crumbs, a fast
    // machine finished one before the close, and its run() rightly succeeded).
    const runs = Array.from({ length: 6 }, (_, n) => pool.run({ sender: `t${n}`, count: 1e9 }, { scope, name: 'append' }));
    const outcomes = Promise.allSettled(runs);
    await expect.poll(() => service.stats().applied, { timeout: 30_000 }).toBeGreaterThan(1_000);
    await service.close();
    faults.push('service.close() under 6 running tasks');
    const settled = await outcomes;
    // Two were running; four were queued and started after the close: each fails on a write
    // that can no longer reach the owner.
    for (const outcome of settled) {
      expect(outcome.status).toBe('rejected');
      if (outcome.status === 'rejected') expect(outcome.reason).toMatchObject({ code: 'SERVICE_CLOSED' });
    }
    expect(service.stats().scopes).toBe(0);
    await pool.destroy();
  });
});
