import { ScopedPool, type ScopedPoolOptions } from '../../src/pool/index.js';

/** The test tasks: an entry that registers tsx in the worker, then loads the TypeScript tasks. */
export const TASKS = new URL('../fixtures/tasks.mjs', import.meta.url).href;

export function testPool<T = unknown, R = unknown>(options: Omit<ScopedPoolOptions, 'filename'> & { filename?: string }): ScopedPool<T, R> {
  return new ScopedPool<T, R>({ filename: TASKS, maxThreads: 2, ...options });
}
