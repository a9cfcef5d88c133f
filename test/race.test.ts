// The seed race (sentry-python #5465): senders append breadcrumbs to one shared scope while
// others fork it in a loop. With mutable shared scopes this crashes or corrupts; here every
// mutation and fork is a message the owner applies one at a time.
import { describe, expect, it } from 'vitest';
import { createScopeService, type ScopeRef } from '../src/index.js';
import { runRace } from '../examples/demo/race.js';

describe('the #5465 race', () => {
  it('through 4 worker threads: nothing lost, each sender in order, no leaks, scopes released', async () => {
    const report = await runRace({ perSender: 20_000, threads: 4 });
    expect(report).toMatchObject({
      errors: 0,
      appended: 40_000,
      crumbsInSharedScope: 40_000,
      sendersInOrder: true,
      leakedFromChildren: 0,
      scopesLeft: 0,
    });
    expect(report.forks).toBeGreaterThan(0);
  });

  it('in-thread: 4 concurrent async loops on one shared scope', async () => {
    const perSender = 20_000;
    const service = createScopeService({ maxBreadcrumbs: 2 * perSender });
    const shared = service.fork({ isolation: true });
    shared.snapshot(); // applies the fork, so the baseline counts the shared scope
    const baseline = service.stats().scopes;
    const turn = () => new Promise((resolve) => setImmediate(resolve));
    let appending = 2;
    let forks = 0;

    const append = async (sender: string) => {
      for (let i = 0; i < perSender; i++) {
        shared.addBreadcrumb({ category: sender, message: String(i) });
        if (i % 500 === 499) await turn();
      }
      appending -= 1;
    };
    const forkLoop = async (sender: string) => {
      let child: ScopeRef | undefined;
      while (appending > 0) {
        child?.close();
        child = shared.fork();
        child.setTag('child', sender).addBreadcrumb({ category: `${sender}-child`, message: String(forks) });
        // A snapshot copies the child's whole log (up to 40,000 crumbs): check a sample, not every fork.
        if (forks % 100 === 0) expect(child.snapshot().breadcrumbs.at(-1)!.category).toBe(`${sender}-child`);
        forks += 1;
        if (forks % 50 === 0) await turn();
      }
      child?.close();
    };
    await Promise.all([append('m1'), append('m2'), forkLoop('f1'), forkLoop('f2')]);

    const crumbs = shared.snapshot().breadcrumbs;
    expect(crumbs).toHaveLength(2 * perSender);
    for (const sender of ['m1', 'm2']) {
      expect(crumbs.filter((c) => c.category === sender).map((c) => c.message)).toEqual(Array.from({ length: perSender }, (_, i) => String(i)));
    }
    expect(crumbs.filter((c) => c.category?.endsWith('-child'))).toEqual([]);
    expect(shared.snapshot().tags).toEqual({});
    expect(forks).toBeGreaterThan(0);
    await turn(); // the last close is applied when the mailbox drains at the end of the turn
    expect(service.stats().scopes).toBe(baseline);
    await service.close();
  });
});
