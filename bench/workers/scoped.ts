// Pool tasks for the benchmarks, picked with piscina's `name` run option.
import type { MessagePort } from 'node:worker_threads';
import { scopedTask } from '../../src/pool/worker.js';

/** Sends `count` breadcrumbs, pausing for the owner every `pace` (flow control). */
export const send = scopedTask(async ({ count, pace }: { count: number; pace: number }, scope) => {
  for (let i = 0; i < count; i++) {
    scope.addBreadcrumb({ message: 'step', category: 'bench', data: { i } });
    if (i % pace === pace - 1) await scope.flush();
  }
  return count;
});

/**
 * `count` turns of three round trips each, in rotating order: a refresh(), a raw ping-pong of a
 * number on `port` (the anchor), and one carrying `shape`, what a refresh posts (the main thread
 * answers it with the owner's ack). Every kind meets the same moments of the machine, whose
 * round trips jump between modes (~8, ~15, ~20 µs) as the scheduler places the two threads.
 * Returns each kind's latencies in µs. One listener for the whole run, as a client keeps: adding
 * and removing one per message (`once`) restarts the port each time.
 */
export const paired = scopedTask(async ({ port, count, shape }: { port: MessagePort; count: number; shape: string }, scope) => {
  const kinds: [refresh: number[], raw: number[], shaped: number[]] = [[], [], []];
  let wake = () => {};
  port.on('message', () => wake());
  const ping = (value: unknown) => {
    const pong = new Promise<void>((resolve) => (wake = resolve));
    port.postMessage(value);
    return pong;
  };
  for (let i = 0; i < count; i++) {
    for (let k = 0; k < 3; k++) {
      const kind = (i + k) % 3;
      const started = performance.now();
      await (kind === 0 ? scope.refresh() : ping(kind === 1 ? i : shape));
      kinds[kind]!.push((performance.now() - started) * 1000);
    }
  }
  port.close();
  return kinds;
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
