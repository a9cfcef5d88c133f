import { afterAll, describe, expect, it } from 'vitest';
import { createScopeService } from '../../src/index.js';
import { scopedTask } from '../../src/pool/worker.js';
import { packTask, type TaskInit } from '../../src/protocol/index.js';

// In this thread a task has no link to the owner: these tasks never touch their scope, so they need none.
describe('scopedTask', () => {
  const service = createScopeService();
  afterAll(() => service.close());
  const task = <T>(data: T) => packTask(data, service.session(service.fork(), true, true).init as TaskInit);

  it('returns what a task returns at once as it is, no promise, when the task did not touch its scope', () => {
    const seen: unknown[] = [];
    const run = scopedTask((data: number, scope) => {
      seen.push(scope.id);
      return data * 2;
    });
    expect(run(task(21))).toBe(42);
    expect(seen).toEqual([expect.stringMatching(/^s\d+$/)]);
  });

  it('throws what a task throws at once, carried for the pool, when the task did not touch its scope', () => {
    const run = scopedTask(() => {
      throw new Error('at once');
    });
    expect(() => run(task(null))).toThrow('at once');
  });

  it('returns a promise for a task that returns one', async () => {
    const run = scopedTask(async (data: string) => data);
    const result = run(task('later'));
    expect(result).toBeInstanceOf(Promise);
    expect(await result).toBe('later');
  });
});
