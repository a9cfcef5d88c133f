// Pool tasks for the benchmarks, picked with piscina's `name` run option.
import { scopedTask } from '../../src/pool/worker.js';

/** Sends `count` breadcrumbs, pausing for the owner every `pace` (flow control). */
export const send = scopedTask(async ({ count, pace }: { count: number; pace: number }, scope) => {
  for (let i = 0; i < count; i++) {
    scope.addBreadcrumb({ message: 'step', category: 'bench', data: { i } });
    if (i % pace === pace - 1) await scope.flush();
  }
  return count;
});

/** `count` refresh() round trips; returns each one's latency in µs. */
export const refresh = scopedTask(async ({ count }: { count: number }, scope) => {
  const latencies: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await scope.refresh();
    latencies.push((performance.now() - started) * 1000);
  }
  return latencies;
});

// The same function as the anchor's (bench/workers/raw.mjs): a synchronous no-op.
export const noop = scopedTask(() => 0);

/** About a millisecond of work: what a pool is for. */
export const work = scopedTask((_: null, scope) => {
  const until = performance.now() + 1;
  while (performance.now() < until);
  scope.addBreadcrumb({ message: 'worked' });
  return 0;
});
