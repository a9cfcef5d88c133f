// The tasks of the sentry-python #5465 race: senders appending breadcrumbs to one shared scope
// while others fork it in a loop. Used by `npm run demo` and by test/race.test.ts.
import { scopedTask, type ScopeClient } from '../../src/pool/worker.js';

/**
 * Appends `count` breadcrumbs numbered 0.. under category `sender`. Every 1,000 it waits until
 * the owner applied what it sent (`flush()`): a sender faster than the owner must pace itself,
 * or its unsent messages pile up until MAILBOX_FULL.
 */
export const append = scopedTask(async ({ sender, count }: { sender: string; count: number }, scope) => {
  for (let i = 0; i < count; i++) {
    scope.addBreadcrumb({ category: sender, message: String(i) });
    if (i % 1000 === 999) await scope.flush();
  }
  return count;
});

/**
 * Forks the scope and writes to the child, over and over, until `stop[0]` is set (a flag the host
 * raises when the appenders are done; shared memory for the test's coordination only). Returns the
 * number of forks.
 */
export const forkLoop = scopedTask(async ({ sender, stop }: { sender: string; stop: Int32Array }, scope) => {
  let forks = 0;
  let child: ScopeClient | undefined;
  while (Atomics.load(stop, 0) === 0 || forks === 0) {
    child?.close();
    child = scope.fork();
    child.setTag('child', sender).addBreadcrumb({ category: `${sender}-child`, message: String(forks) });
    forks += 1;
    if (forks % 100 === 0) await scope.flush();
  }
  return forks;
});

/**
 * Run once per thread at once before the host starts the clock. Each blocks until all have
 * arrived, so every thread has booted and loaded this file, and the report times the race, not
 * the pool's start-up.
 */
export const warm = scopedTask(({ arrived, threads }: { arrived: Int32Array; threads: number }) => {
  Atomics.add(arrived, 0, 1);
  Atomics.notify(arrived, 0);
  for (let seen = Atomics.load(arrived, 0); seen < threads; seen = Atomics.load(arrived, 0)) Atomics.wait(arrived, 0, seen, 1_000);
});
